"""A suite's own hooks run around Handoff's, and its own World keeps state beside Handoff's.

Each test writes a small project the way a team does (environment.py, steps/, features/)
and runs behave on it in a child process.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.suite.behave_run import run_behave

STEPS = """
from behave import given, then

from handoff.steps import *  # noqa: F403


@given("the basket holds {item}")
def step_basket(context, item):
    context.world.basket.append(item)
    context.world.calls.append(f"step: {item}")


@then("the suite's World kept it")
def step_kept(context):
    assert context.world.basket == ["tea"], context.world.basket
    assert context.world.variables is not None  # Handoff's part of the World is there too
"""

FEATURE = """
Feature: Own state
  Scenario: one
    Given the basket holds tea
    Then the suite's World kept it
"""


def _project(tmp_path: Path, environment: str) -> Path:
    project = tmp_path / "project"
    (project / "steps").mkdir(parents=True)
    (project / "features").mkdir()
    (project / "steps" / "suite_steps.py").write_text(STEPS)
    (project / "features" / "own.feature").write_text(FEATURE)
    (project / "environment.py").write_text(textwrap.dedent(environment))
    return project


ENVIRONMENT = """
    import json
    import os
    from dataclasses import dataclass, field

    from handoff import hooks
    from handoff.world import World

    ORDER = []


    @dataclass
    class BasketWorld(World):
        basket: list = field(default_factory=list)
        calls: list = field(default_factory=list)


    def before_all(context):  # defined before install: wrapped at once
        ORDER.append("suite before_all (Handoff's run is open: %s)" % hasattr(context, "handoff"))


    hooks.install(globals(), world=BasketWorld)


    def before_scenario(context, scenario):  # defined after install: wrapped when the run starts
        ORDER.append("suite before_scenario (World: %s)" % type(context.world).__name__)


    def after_scenario(context, scenario):
        ORDER.append("suite after_scenario (World still there: %s)" % hasattr(context, "world"))


    def after_all(context):
        ORDER.append("suite after_all (run still open: %s)" % (context.handoff.run.run_dir is not None))
        with open(os.environ["ORDER_FILE"], "w") as out:
            json.dump(ORDER, out)
"""


def test_a_suite_s_hooks_run_around_handoff_s_and_its_world_keeps_its_state(tmp_path):
    project = _project(tmp_path, ENVIRONMENT)
    order_file = tmp_path / "order.json"
    result = run_behave(tmp_path / "run", str(project / "features"), env={"ORDER_FILE": str(order_file)})
    assert result.exit_code == 0, result.output[-3000:]
    assert result.statuses() == {"passed": 1}
    assert json.loads(order_file.read_text()) == [
        "suite before_all (Handoff's run is open: True)",
        "suite before_scenario (World: BasketWorld)",
        "suite after_scenario (World still there: True)",
        "suite after_all (run still open: True)",
    ]


def test_a_world_that_is_not_a_handoff_world_is_refused(tmp_path):
    project = _project(tmp_path, "from handoff import hooks\n\nhooks.install(globals(), world=dict)\n")
    result = run_behave(tmp_path / "run", str(project / "features"))
    assert result.exit_code != 0
    assert "hooks.install(world=...) takes a subclass of handoff.world.World, not <class 'dict'>" in result.output


def test_a_before_all_that_replaces_handoff_s_says_how_to_fix_it(tmp_path):
    environment = """
        from handoff import hooks

        hooks.install(globals())


        def before_all(context):
            pass
    """
    project = _project(tmp_path, environment)
    result = run_behave(tmp_path / "run", str(project / "features"))
    assert result.exit_code != 0
    assert "Handoff's before_all did not run" in result.output
    assert "call hooks.before_all(context) from the suite's before_all" in result.output
