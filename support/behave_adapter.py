"""The one module that adapts the framework to behave: parameter types and hooks.

``environment.py`` calls these functions and nothing else.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

import parse
from behave import register_type
from behave.model import Scenario

from support.assertions import Checker
from support.config import load_settings
from support.money import MONEY_PATTERN, Money
from support.reporting import ReportAttachments, write_environment_properties
from support.run import TestRun
from support.shop.api import CARD_PHRASES
from support.test_data import UniqueData
from support.world import World


@parse.with_pattern(MONEY_PATTERN)
def _money(text: str) -> Money:
    return Money.parse(text)


@parse.with_pattern(r"[A-Z][a-z]+")
def _person(text: str) -> str:
    return text


@parse.with_pattern(r"her|his|their")
def _pronoun(text: str) -> str:
    return text


@parse.with_pattern(CARD_PHRASES)
def _card(text: str) -> str:
    return text


@parse.with_pattern(r"\d+")
def _count(text: str) -> int:
    return int(text)


def register_parameter_types() -> None:
    """Types usable in step phrases: {price:Money}, {name:Person}, {card:Card}, ..."""
    register_type(Money=_money, Person=_person, Pronoun=_pronoun, Card=_card, Count=_count)


def start_run(context) -> None:
    settings = load_settings(context.config.userdata)
    run = TestRun(settings)
    context.run = run
    atexit.register(run.close)  # a crash or Ctrl-C outside behave's hooks still cleans up
    try:
        run.open()
    except BaseException:
        run.close()
        raise
    attachments = ReportAttachments(run.masker)
    run.http.listeners.append(attachments.on_exchange)
    run.databases.listeners.append(attachments.on_query)
    run.extensions["attachments"] = attachments
    run.extensions["unique_data"] = UniqueData(run.run_id)
    run.extensions["checker"] = Checker(run.masker)
    print(f"handoff: environment {settings.env!r}, run {run.run_id}", file=sys.stderr)


def begin_scenario(context, scenario: Scenario) -> None:
    run: TestRun = context.run
    run.http.session.headers["X-Correlation-Id"] = f"{run.run_id}-{_slug(scenario.name)}"
    context.world = World(run=run, check=run.extensions["checker"], data=run.extensions["unique_data"])


def finish_run(context) -> None:
    run: TestRun | None = getattr(context, "run", None)
    if run is None:
        return
    results_dir = allure_results_dir(context.config)
    try:
        if results_dir is not None:
            write_environment_properties(
                results_dir,
                {
                    "environment": run.settings.env,
                    **{f"service.{name}": run.masker.mask(url) for name, url in run.service_urls.items()},
                    **{f"database.{name}": db.url.split(":", 1)[0] for name, db in run.settings.databases.items()},
                },
            )
    finally:
        run.close()


def allure_results_dir(config) -> Path | None:
    """Where allure-behave's formatter writes, if it is on (formats and outfiles pair in order)."""
    for index, name in enumerate(config.format or []):
        if "allure" in name.lower() and index < len(config.outputs):
            return Path(config.outputs[index].name)
    return None


def _slug(text: str) -> str:
    return "-".join(text.lower().split())[:60]
