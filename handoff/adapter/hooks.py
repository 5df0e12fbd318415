"""Handoff's behave hooks, installed into a suite's ``environment.py`` with one line.

::

    # environment.py
    from handoff import hooks

    hooks.install(globals())                       # or hooks.install(globals(), world=MyWorld)

    def before_scenario(context, scenario):        # a suite's own hooks: defined as usual
        context.world.basket = []

``install`` wraps every hook the file defines, before or after the call: for
``before_*`` Handoff's part runs first and the suite's after it (its World is ready);
for ``after_*`` the suite's part runs first and Handoff's after it (it closes what the
suite still used). A suite that wants another order calls the functions of this module
itself (``hooks.before_scenario(context, scenario)``) from hooks it writes out.

Handoff's ``after_scenario`` runs the scenario's cleanups (steps deferred with "at the
end of the scenario, ...", handoff/adapter/cleanups.py) before it closes the scenario's
timeline and forgets its secrets.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import os
import re
import sys
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from behave.model import Scenario

from handoff.adapter.cleanups import CleanupFailed, FailedCleanup, run_cleanups
from handoff.adapter.parameter_types import register_parameter_types
from handoff.adapter.project import allure_results_dir, project_dir
from handoff.config.settings import load_settings
from handoff.faults.proxies import clear_faults
from handoff.gherkin.lint import MalformedFeature, problems_in
from handoff.matching.checker import Checker
from handoff.parallel.runner import run_setup_once
from handoff.phrases import install as install_phrases
from handoff.report.attachments import NoAttachments, ReportAttachments
from handoff.report.masking import Masker
from handoff.report.metadata import write_environment_failure, write_report_metadata
from handoff.report.service_logs import ServiceLogs
from handoff.run.processes import ServiceDied
from handoff.run.step_timeout import StepTimer
from handoff.run.test_run import TestRun
from handoff.variables.unique_data import UniqueData
from handoff.world import World


@dataclass
class SuiteRun:
    """What the hooks keep for one behave process: the run and its per-run helpers."""

    run: TestRun
    world_class: type[World]
    attachments: ReportAttachments | NoAttachments
    checker: Checker
    unique_data: UniqueData
    step_timer: StepTimer
    scenario_numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    # calls between services that broke an enforced contract in this scenario (it fails at its end)
    broken_between_services: list[AssertionError] = field(default_factory=list)

    def new_world(self) -> World:
        return self.world_class(run=self.run, check=self.checker, data=self.unique_data, report=self.attachments)


def install(namespace: MutableMapping[str, Any], world: type[World] = World) -> None:
    """Put Handoff's hooks into ``environment.py``'s namespace (``globals()``), around the suite's own.

    ``world`` is the suite's World class: a subclass of :class:`handoff.world.World`
    that keeps the suite's own per-scenario state beside Handoff's.
    """
    if not (isinstance(world, type) and issubclass(world, World)):
        raise TypeError(f"hooks.install(world=...) takes a subclass of handoff.world.World, not {world!r}")
    register_parameter_types()  # before behave loads the step modules, which use them
    ours = {**_OURS, "before_all": functools.partial(before_all, world=world)}
    for name, function in ours.items():
        namespace[name] = _combined(name, function, _theirs(namespace.get(name)), namespace, ours)


def _theirs(function: Callable | None) -> Callable | None:
    if function is not None and getattr(function, "handoff_hook", False):
        return function.theirs  # install() called twice: keep the suite's, not ours twice
    return function


def _combined(
    name: str, ours: Callable, theirs: Callable | None, namespace: MutableMapping[str, Any], all_ours: dict
) -> Callable:
    if name.startswith("before"):

        def hook(context, *args):
            if name == "before_all":
                _wrap_late_definitions(namespace, all_ours)
            ours(context, *args)
            if theirs is not None:
                theirs(context, *args)
    else:

        def hook(context, *args):
            try:
                if theirs is not None:
                    theirs(context, *args)
            finally:
                ours(context, *args)

    hook.handoff_hook = True
    hook.theirs = theirs
    hook.__name__ = name
    hook.__doc__ = f"Handoff's {name} around the suite's own (see handoff.adapter.hooks)."
    return hook


def _wrap_late_definitions(namespace: MutableMapping[str, Any], ours: dict) -> None:
    """Hooks that environment.py defined after install() replaced ours: run both."""
    for name, function in ours.items():
        current = namespace.get(name)
        if current is not None and not getattr(current, "handoff_hook", False):
            namespace[name] = _combined(name, function, current, namespace, ours)


# The hooks themselves; each may also be called directly from a suite's own hook.


def before_all(context, world: type[World] = World) -> None:
    # Handoff's runner (behave.ini) loads the phrases with the steps; under behave's own, here.
    install_phrases(context._runner.step_registry, project_dir(context.config), context.config.paths)
    run: TestRun | None = None
    try:
        settings = load_settings(context.config.userdata, project_dir=project_dir(context.config))
        run_setup_once(settings)  # in a parallel run the parent did it already, and this does nothing
        run = TestRun(settings)
        atexit.register(run.close)  # a crash or Ctrl-C outside behave's hooks still cleans up
        run.open()
    except BaseException as error:
        results_dir = allure_results_dir(context.config)
        if results_dir is not None and isinstance(error, Exception):  # else the report would be empty
            write_environment_failure(results_dir, error, run.masker if run else Masker())
        if run is not None:
            run.close()
        raise
    if allure_results_dir(context.config) is not None:
        attachments: ReportAttachments | NoAttachments = ReportAttachments(
            run.masker, ServiceLogs(run.reports_dir / "service-logs")
        )
        run.http.listeners.insert(0, attachments.on_exchange)  # first: an exchange is attached before it is judged
        run.databases.listeners.append(attachments.on_query)
        if run.contracts is not None:
            run.contracts.on_violations.append(attachments.on_contract_check)
    else:  # no report: describing and masking each request would be wasted work
        attachments = NoAttachments()
    context.handoff = SuiteRun(
        run=run,
        world_class=world,
        attachments=attachments,
        checker=Checker(run.masker),
        unique_data=UniqueData(run.run_id),
        step_timer=StepTimer(float(settings.get("step.timeout"))),
    )
    print(f"handoff: environment {settings.env!r}, run {run.run_id}", file=sys.stderr)


def before_feature(context, feature) -> None:
    """Gherkin behave accepts but that cannot mean what it says fails the feature, naming file and line."""
    # The registry this run matches steps with. behave offers no public way to it: its
    # module attribute behave.step_registry.registry is replaced (reset_runtime) before a
    # run, while the runner and `from behave import step` keep the one made at import.
    registry = context._runner.step_registry
    problems = problems_in(feature, registry.find_step_definition)
    if problems:
        raise MalformedFeature("\n".join(problems))


def before_scenario(context, scenario: Scenario) -> None:
    suite = _suite(context)
    # Unique per scenario (outline rows share a name), readable in the services' logs.
    correlation_id = f"{suite.run.run_id}-{next(suite.scenario_numbers):04d}-{_slug(scenario.name)}"
    suite.run.http.session.headers["X-Correlation-Id"] = correlation_id
    clear_faults(suite.run)  # every scenario starts with its dependencies healthy
    if suite.run.tracing is not None:
        suite.run.tracing.begin_scenario(scenario.name, correlation_id)
    suite.run.start_stopped_services()  # and with every service running
    suite.attachments.begin_scenario(scenario.name, correlation_id)
    if suite.run.contracts is not None:
        suite.run.record_calls_between_services()  # what came after the last scenario ended is not this one's
        suite.run.contracts.begin_scenario()
    suite.broken_between_services = []
    context.world = suite.new_world()
    # Before the first step: a message the scenario causes is routed to its own queues too.
    context.world.messages.listeners.append(suite.attachments.on_message)
    context.world.messages.start()


def before_step(context, step) -> None:
    suite: SuiteRun | None = getattr(context, "handoff", None)
    if suite is not None:
        suite.attachments.begin_step(f"{step.keyword} {step.name}")
        if suite.run.tracing is not None:
            suite.run.tracing.begin_step(f"{step.keyword} {step.name}")
        suite.step_timer.start(f"{step.keyword} {step.name}")


def after_step(context, step) -> None:
    suite: SuiteRun | None = getattr(context, "handoff", None)
    if suite is None:
        return
    suite.step_timer.stop()
    # Under the step during which they happened: the calls services made to each other (proxies saw them)
    suite.broken_between_services += suite.run.record_calls_between_services()
    if suite.run.tracing is not None:
        failed = step.status.has_failed()
        suite.run.tracing.end_step(failed, _first_line(step.error_message) if failed else "")
    world = getattr(context, "world", None)
    if world is not None:
        world.messages.collect_all()  # what the step caused on the broker, reported under it
    if step.status.has_failed():
        deaths = suite.run.deaths()
        if deaths:  # the step failed because a service is gone: say so, as infrastructure (the report's category)
            step.exception = ServiceDied("\n".join([*deaths, f"The step's own error: {step.exception}"]))


def after_scenario(context, scenario: Scenario) -> None:
    suite: SuiteRun | None = getattr(context, "handoff", None)
    if suite is not None:
        # Cleanups first: their requests belong in the timeline and are masked with the scenario's secrets.
        failed_cleanups: list[FailedCleanup] = []
        world = getattr(context, "world", None)
        try:
            failed_cleanups = run_cleanups(context, suite.attachments, suite.step_timer)
        finally:
            if world is not None:
                world.messages.collect_all()  # every message the scenario caused is in its report
                world.messages.stop()
            suite.broken_between_services += suite.run.record_calls_between_services()
            steps_failed = scenario.status.has_failed()
            message = "\n".join(str(failed) for failed in failed_cleanups)
            failure = "\n".join(part for part in (_failure(scenario) if steps_failed else "", message) if part)
            failed = steps_failed or bool(failed_cleanups)
            traced = suite.run.tracing.end_scenario(failed, failure) if suite.run.tracing else None
            suite.attachments.end_scenario(failed, failure, traced)
            if suite.run.contracts is not None:
                suite.run.contracts.end_scenario(scenario.name, _location(scenario, suite.run.settings.project_dir))
            suite.run.masker.forget_scenario_secrets()  # its people's passwords and tokens: never shown again
        if failed_cleanups:
            broken = not all(failed.is_assertion for failed in failed_cleanups)
            suite.attachments.fail_late(scenario, message, broken)
            raise CleanupFailed(message)  # behave: the scenario fails with a hook error naming the cleanups
        if suite.broken_between_services:  # a step cannot fail after it ended: the scenario does, naming them
            first = suite.broken_between_services[0]
            kind = f"{type(first).__module__}.{type(first).__qualname__}"
            text = "\n".join(str(error) for error in suite.broken_between_services)
            suite.attachments.fail_late(scenario, f"{kind}: between services: {text}", broken=False)
            raise first


def after_all(context) -> None:
    suite: SuiteRun | None = getattr(context, "handoff", None)
    if suite is None:
        return
    results_dir = allure_results_dir(context.config)
    try:
        for line in suite.run.finish_contracts(results_dir):  # behave swallows after_all's stdout: for the console
            print(f"handoff: API coverage: {line}", file=sys.__stderr__)
        if suite.run.tracing is not None and suite.run.tracing.scenarios:
            print(f"handoff: traces: {suite.run.tracing.summary()}", file=sys.__stderr__)
        if results_dir is not None:
            write_report_metadata(results_dir, suite.run, os.environ)
    finally:
        suite.run.close()


_OURS: dict[str, Callable] = {
    "before_all": before_all,
    "before_feature": before_feature,
    "before_scenario": before_scenario,
    "before_step": before_step,
    "after_step": after_step,
    "after_scenario": after_scenario,
    "after_all": after_all,
}


def _location(scenario: Scenario, project: Path) -> str:
    """file:line of a scenario, from the project folder when it lies inside it."""
    path = Path(scenario.filename).resolve()
    return f"{path.relative_to(project) if path.is_relative_to(project) else path}:{scenario.line}"


def _suite(context) -> SuiteRun:
    suite: SuiteRun | None = getattr(context, "handoff", None)
    if suite is None:
        raise RuntimeError(
            "Handoff's before_all did not run, so there is no test run: environment.py defines before_all "
            "after hooks.install(globals()). Move that line below the suite's own hooks, or call "
            "hooks.before_all(context) from the suite's before_all."
        )
    return suite


def _failure(scenario: Scenario) -> str:
    """The step that failed and the first line of why."""
    for step in scenario.all_steps:
        if step.status.has_failed():
            lines = (step.error_message or "").strip().splitlines() or [step.status.name]
            reason = lines[-1:] if lines[0].startswith("Traceback") else lines[:12]
            return "\n".join([f"{step.keyword} {step.name}", *(f"  {line}" for line in reason)])
    return scenario.status.name


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines and lines[0].startswith("Traceback") else (lines[0] if lines else "")


def _slug(text: str) -> str:
    """Letters, digits and dashes only: the shop accepts [A-Za-z0-9._:-]{1,128} as an id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
