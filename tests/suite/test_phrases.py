"""Business phrases defined in Gherkin (phrases/*.feature): run, reported, checked before the first scenario.

Each test writes a project as ``handoff init`` lays it out (environment.py, steps/
loading the generic library, features/, phrases/) plus a few steps of its own, and runs
behave on it in a child process, with Handoff's runner as ``behave.ini`` names it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.suite.behave_run import run_behave

HANDOFF_RUNNER = "--runner=handoff.adapter.runner:Runner"

OWN_STEPS = """
import allure
from behave import given, then


@given("{name} has {count:d} apples")
def step_apples(context, name, count):
    context.world.variables.save(name, count)


@then("{name} has {count:d} apples in the bag")
def step_check(context, name, count):
    held = context.world.variables.get(name)
    assert held == count, f"expected {count} apples for {name}, got {held}"


@given("a note about {name} is attached")
def step_note(context, name):
    allure.attach(f"a note about {name}", name=f"note on {name}", attachment_type=allure.attachment_type.TEXT)
"""

PHRASES = """\
Feature: Fruit phrases

  Scenario: {person} starts with {n:d} apples
    A person and their apples.
    Given {person} has {n} apples
    And a note about {person} is attached
    Then {person} has {n} apples in the bag

  Scenario: {person} is ready
    Given {person} starts with 3 apples
    And the variable "greeting" is "hello {person} {unique_id}"

  Scenario: {person} has lost an apple
    Given {person} starts with 2 apples
    Then {person} has 5 apples in the bag
"""

FEATURE = """\
Feature: Using phrases
  Scenario: a phrase with parameters
    Given Alice starts with 4 apples
    Then Alice has 4 apples in the bag

  Scenario: a phrase that uses a phrase
    Given Bob is ready
    Then Bob has 3 apples in the bag
    And the saved value "greeting" is "#regex hello Bob \\w+"
"""

FAILING_FEATURE = """\
Feature: A phrase that fails
  Scenario: an inner step fails
    Given Carl has lost an apple
"""


def _project(tmp_path: Path, phrases: str = PHRASES, feature: str = FEATURE) -> Path:
    project = tmp_path / "project"
    for folder in ("steps", "features", "phrases"):
        (project / folder).mkdir(parents=True)
    (project / "environment.py").write_text("from handoff import hooks\n\nhooks.install(globals())\n")
    (project / "steps" / "handoff_steps.py").write_text("from handoff.steps import *  # noqa: F403\n")
    (project / "steps" / "own_steps.py").write_text(OWN_STEPS)
    (project / "phrases" / "fruit.feature").write_text(phrases)
    (project / "features" / "fruit.feature").write_text(feature)
    return project


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


@pytest.mark.parametrize("runner", [[HANDOFF_RUNNER], []], ids=["handoff-runner", "behave-runner"])
def test_a_phrase_runs_its_inner_steps_with_its_arguments_and_may_use_other_phrases(tmp_path, runner):
    project = _project(tmp_path)
    result = run_behave(tmp_path / "run", *runner, str(project / "features"))
    assert result.exit_code == 0, result.output[-3000:]
    assert result.statuses() == {"passed": 2}


def test_a_failing_inner_step_names_the_phrase_the_step_and_its_line(tmp_path):
    project = _project(tmp_path, feature=FAILING_FEATURE)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, str(project / "features"))
    assert result.exit_code == 1, result.output[-3000:]
    line = _line_of(project / "phrases" / "fruit.feature", "Then {person} has 5 apples in the bag")
    for message in (result.output, result.failure_message("an inner step fails")):
        assert 'The phrase "{person} has lost an apple" (' in message, message
        assert "person='Carl'" in message
        assert f"Then Carl has 5 apples in the bag   (../project/phrases/fruit.feature:{line})" in message
        assert "expected 5 apples for Carl, got 2" in message


def test_the_report_shows_a_phrase_as_one_step_with_its_inner_steps_as_sub_steps(tmp_path):
    project = _project(tmp_path)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, str(project / "features"))
    assert result.exit_code == 0, result.output[-3000:]
    results = [json.loads(p.read_text()) for p in result.allure_results.glob("*-result.json")]
    nested = next(r for r in results if r["name"] == "a phrase that uses a phrase")
    phrase = nested["steps"][0]
    assert phrase["name"] == "Given Bob is ready" and phrase["status"] == "passed"
    assert [s["name"] for s in phrase["steps"]] == [
        "Given Bob starts with 3 apples",
        'And the variable "greeting" is "hello Bob {unique_id}"',  # a scenario variable: left to the step
    ]
    inner = phrase["steps"][0]
    assert [s["name"] for s in inner["steps"]] == [
        "Given Bob has 3 apples",
        "And a note about Bob is attached",
        "Then Bob has 3 apples in the bag",
    ]
    note = inner["steps"][1]
    assert [a["name"] for a in note["attachments"]] == ["note on Bob"]
    body = (result.allure_results / note["attachments"][0]["source"]).read_text()
    assert body == "a note about Bob"
    assert "attachments" not in phrase or all(a["name"] != "note on Bob" for a in phrase["attachments"])


def test_a_failed_inner_step_is_the_failed_sub_step_in_the_report(tmp_path):
    project = _project(tmp_path, feature=FAILING_FEATURE)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, str(project / "features"))
    (failed,) = [json.loads(p.read_text()) for p in result.allure_results.glob("*-result.json")]
    phrase = failed["steps"][0]
    assert phrase["status"] == "failed"
    assert [(s["name"], s["status"]) for s in phrase["steps"]] == [
        ("Given Carl starts with 2 apples", "passed"),
        ("Then Carl has 5 apples in the bag", "failed"),
    ]
    assert "expected 5 apples for Carl, got 2" in phrase["steps"][1]["statusDetails"]["message"]


def test_a_dry_run_fails_on_an_undefined_inner_step_naming_its_file_and_line(tmp_path):
    phrases = PHRASES + "\n  Scenario: {person} eats an apple\n    Given {person} takes a bite\n"
    project = _project(tmp_path, phrases=phrases)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, "--dry-run", str(project / "features"))
    assert result.exit_code == 1, result.output[-3000:]
    line = _line_of(project / "phrases" / "fruit.feature", "takes a bite")
    assert (
        f'phrases/fruit.feature:{line}: the step "Given {{person}} takes a bite" of the phrase '
        '"{person} eats an apple" is undefined' in result.output
    ), result.output
    clean = run_behave(tmp_path / "clean", HANDOFF_RUNNER, "--dry-run", str(_project(tmp_path / "ok") / "features"))
    assert clean.exit_code == 0, clean.output[-3000:]


BROKEN_PHRASES = """\
Feature: Phrases that cannot work

  Scenario: {who} has {n:d} apples in the bag
    Given {who} has {n} apples

  Scenario: {person} goes round
    Given {person} goes round again

  Scenario: {person} goes round again
    Given {person} goes round

  Scenario: {person} counts {n:d} apples
    Given {persn} has {n} apples

  Scenario: {person} hums
    Given nobody knows this step
"""

MARKING_FEATURE = """\
Feature: Must not start
  Scenario: never runs
    Given the variable "x" is "1"
"""


@pytest.mark.parametrize("runner", [[HANDOFF_RUNNER], []], ids=["handoff-runner", "behave-runner"])
def test_clashes_recursion_and_undefined_steps_are_errors_before_the_first_scenario(tmp_path, runner):
    project = _project(tmp_path, phrases=BROKEN_PHRASES, feature=MARKING_FEATURE)
    result = run_behave(tmp_path / "run", *runner, str(project / "features"))
    assert result.exit_code == 1, result.output[-3000:]
    assert result.statuses().get("passed", 0) == 0, result.output[-3000:]
    phrases = project / "phrases" / "fruit.feature"
    where = f"phrases/fruit.feature:{_line_of(phrases, 'Scenario: {who} has')}"
    expected = [
        f'{where}: the phrase "{{who}} has {{n:d}} apples in the bag" clashes with the step '
        '@then("{name} has {count:d} apples in the bag") (',
        f"phrases/fruit.feature:{_line_of(phrases, 'Scenario: {person} goes round')}: the phrase "
        '"{person} goes round" uses itself: "{person} goes round" (',
        f'phrases/fruit.feature:{_line_of(phrases, "{persn}")}: "Given {{persn}} has {{n}} apples" uses '
        "{persn}, which is no parameter of the phrase",
        "did you mean {person}?",
        f'phrases/fruit.feature:{_line_of(phrases, "Scenario: {person} counts")}: the phrase "{{person}} counts '
        '{n:d} apples" has a parameter {person} that none of its steps uses',
        f'phrases/fruit.feature:{_line_of(phrases, "nobody knows")}: the step "Given nobody knows this step" of '
        'the phrase "{person} hums" is undefined',
    ]
    for text in expected:
        assert text in result.output, f"{text}\nnot in:\n{result.output[-4000:]}"


def test_phrase_files_never_run_as_features_even_when_behave_runs_the_whole_project(tmp_path):
    project = _project(tmp_path)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, str(project))
    assert result.exit_code == 0, result.output[-3000:]
    assert sorted(s["name"] for s in result.scenarios) == ["a phrase that uses a phrase", "a phrase with parameters"]


def test_the_step_catalog_lists_a_phrase_under_its_file(tmp_path):
    project = _project(tmp_path)
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("handoff")), "steps", "--project", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    catalog = completed.stdout
    assert "## phrases/fruit.feature" in catalog
    assert (
        textwrap.dedent("""\
        - **Step** `{person} starts with {n:d} apples`
          - parameters: `person`: text, `n`: a whole number
          - A person and their apples.
          - example: `Given Alice starts with 4 apples`""")
        in catalog
    ), catalog


def test_a_doc_string_under_a_phrase_is_an_error_before_the_feature_runs(tmp_path):
    feature = FAILING_FEATURE.replace(
        "Given Carl has lost an apple", 'Given Alice starts with 4 apples\n      """\n      ignored\n      """'
    )
    project = _project(tmp_path, feature=feature)
    result = run_behave(tmp_path / "run", HANDOFF_RUNNER, str(project / "features"))
    assert result.exit_code == 1, result.output[-3000:]
    assert (
        '"Given Alice starts with 4 apples" has a doc string under it, but its step '
        "(../project/phrases/fruit.feature:3) does not read one" in result.output
    ), result.output[-3000:]
