"""The one module that adapts the framework to behave: parameter types and hooks.

``environment.py`` calls these functions and nothing else.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import parse
from behave import register_type, then
from behave.model import Scenario

from support.assertions import Checker
from support.config import load_settings
from support.faults import clear_faults
from support.parallel import run_setup_once
from support.report_metadata import write_environment_failure, write_report_metadata
from support.reporting import NoAttachments, ReportAttachments
from support.run import TestRun
from support.service_logs import ServiceLogs
from support.shop.parameter_types import PARAMETER_TYPES as SHOP_PARAMETER_TYPES
from support.step_timeout import StepTimer
from support.test_data import UniqueData
from support.waiting import eventually
from support.world import World


@parse.with_pattern(r"\d+")
def _count(text: str) -> int:
    return int(text)


@parse.with_pattern(r"\d+(?:\.\d+)?")
def _number(text: str) -> float:
    return float(text)


@parse.with_pattern(r"GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS")
def _method(text: str) -> str:
    return text


@parse.with_pattern(r"[A-Za-z][\w-]*")
def _name(text: str) -> str:
    return text


@parse.with_pattern(r"is|contains|matches")
def _header_check(text: str) -> str:
    return text


GENERIC_PARAMETER_TYPES = {
    "Count": _count,
    "Number": _number,
    "Method": _method,
    "Name": _name,
    "HeaderCheck": _header_check,
}


def register_parameter_types() -> None:
    """Types usable in step phrases: {n:Count}, {seconds:Number}, {method:Method}, {service:Name},
    and the sample shop's {price:Money}, {name:Person}, {pronoun:Pronoun}, {card:Card}."""
    register_type(**GENERIC_PARAMETER_TYPES, **SHOP_PARAMETER_TYPES)


WITHIN = " within {seconds:Number} seconds"


def waiting_form(pattern: str) -> str:
    """ "... is 201" -> "... is 201 within N seconds"; before a closing "with" (a table follows)."""
    if pattern.endswith(" with"):
        return pattern[: -len(" with")] + WITHIN + " with"
    return pattern + WITHIN


def then_with_wait(pattern: str, refresh: Callable[[World], object] | None = None):
    """Register a check step as written and in its waiting form (see :func:`waiting_form`).

    The waiting form repeats the check (after ``refresh``, e.g. sending the request
    again) with backoff until it passes, and on time-out reports the attempts and the
    last failure.
    """

    def decorate(function):
        def waiting(context, seconds: float, **kwargs):
            attempts = iter(range(1_000_000))

            def attempt() -> None:
                if next(attempts) and refresh is not None:
                    refresh(context.world)
                function(context, **kwargs)

            eventually(attempt, timeout=seconds)

        waiting.__doc__ = function.__doc__
        waiting.waits_for = pattern  # for the step catalog
        # The waiting form first: behave takes the first definition that matches, and the
        # plain form's last parameter would swallow "within N seconds".
        then(waiting_form(pattern))(waiting)
        then(pattern)(function)
        return function

    return decorate


def start_run(context) -> None:
    settings = load_settings(context.config.userdata)
    run_setup_once(settings)  # in a parallel run the parent did it already, and this does nothing
    run = TestRun(settings)
    context.run = run
    atexit.register(run.close)  # a crash or Ctrl-C outside behave's hooks still cleans up
    try:
        run.open()
    except BaseException as error:
        results_dir = allure_results_dir(context.config)
        if results_dir is not None and isinstance(error, Exception):
            write_environment_failure(results_dir, error, run.masker)  # else the report would be empty
        run.close()
        raise
    if allure_results_dir(context.config) is not None:
        attachments = ReportAttachments(run.masker, ServiceLogs(run.reports_dir / "service-logs"))
        run.http.listeners.append(attachments.on_exchange)
        run.databases.listeners.append(attachments.on_query)
        run.extensions["attachments"] = attachments
    else:  # no report: describing and masking each request would be wasted work
        run.extensions["attachments"] = NoAttachments()
    run.extensions["unique_data"] = UniqueData(run.run_id)
    run.extensions["checker"] = Checker(run.masker)
    run.extensions["step_timer"] = StepTimer(float(settings.get("step.timeout")))
    run.extensions["scenario_numbers"] = itertools.count(1)
    print(f"handoff: environment {settings.env!r}, run {run.run_id}", file=sys.stderr)


def begin_scenario(context, scenario: Scenario) -> None:
    run: TestRun = context.run
    # Unique per scenario (outline rows share a name), readable in the services' logs.
    correlation_id = f"{run.run_id}-{next(run.extensions['scenario_numbers']):04d}-{_slug(scenario.name)}"
    run.http.session.headers["X-Correlation-Id"] = correlation_id
    clear_faults(run)  # every scenario starts with its dependencies healthy
    run.extensions["attachments"].begin_scenario(scenario.name, correlation_id)
    context.world = World(run=run, check=run.extensions["checker"], data=run.extensions["unique_data"])


def begin_step(context, step) -> None:
    run: TestRun | None = getattr(context, "run", None)
    if run is not None:
        run.extensions["attachments"].begin_step(f"{step.keyword} {step.name}")
        run.extensions["step_timer"].start(f"{step.keyword} {step.name}")


def end_step(context, step) -> None:
    run: TestRun | None = getattr(context, "run", None)
    if run is not None:
        run.extensions["step_timer"].stop()


def end_scenario(context, scenario: Scenario) -> None:
    run: TestRun | None = getattr(context, "run", None)
    if run is not None:
        failed = scenario.status.has_failed()
        run.extensions["attachments"].end_scenario(failed, _failure(scenario) if failed else "")
        run.masker.forget_scenario_secrets()  # its people's passwords and tokens: never shown again


def finish_run(context) -> None:
    run: TestRun | None = getattr(context, "run", None)
    if run is None:
        return
    results_dir = allure_results_dir(context.config)
    try:
        if results_dir is not None:
            write_report_metadata(results_dir, run, os.environ)
    finally:
        run.close()


def allure_results_dir(config) -> Path | None:
    """Where allure-behave's formatter writes, if it is on (formats and outfiles pair in order)."""
    for index, name in enumerate(config.format or []):
        if "allure" in name.lower() and index < len(config.outputs):
            return Path(config.outputs[index].name)
    return None


def _failure(scenario: Scenario) -> str:
    """The step that failed and the first line of why."""
    for step in scenario.all_steps:
        if step.status.has_failed():
            lines = (step.error_message or "").strip().splitlines() or [step.status.name]
            reason = lines[-1:] if lines[0].startswith("Traceback") else lines[:12]
            return "\n".join([f"{step.keyword} {step.name}", *(f"  {line}" for line in reason)])
    return scenario.status.name


def _slug(text: str) -> str:
    """Letters, digits and dashes only: the shop accepts [A-Za-z0-9._:-]{1,128} as an id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
