"""Cleanup that always runs: steps deferred to the end of the scenario.

``Given at the end of the scenario, I send a DELETE request to todo "{todo_url}"`` checks
at once that the inner step exists (a typo fails where it is written, not at the end),
and runs it after the scenario's last step, whether the scenario passed or failed. Any
step of the suite can be deferred, with the doc string or table under it. Cleanups run
most recent first (what was made last is undone first), and their ``{variables}`` take
the values they had when the cleanup was registered, so two cleanups that use one name
for two things each undo their own.

Each cleanup is its own step in the Allure report ("At the end of the scenario: ..."),
with the requests and queries it made attached. A failing cleanup does not stop the
others; the scenario then fails (behave reports a hook error naming the cleanup, the
Allure result is failed or broken with the same message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from behave.model import Step

PHRASE = "at the end of the scenario,"
STEP_TYPES = ("when", "given", "then")  # an action first: cleanups undo things


class CleanupFailed(Exception):
    """One or more cleanups of a scenario failed (each named, with its error)."""


@dataclass
class FailedCleanup:
    title: str
    error: Exception

    @property
    def is_assertion(self) -> bool:
        """A check that did not hold (failed), not an error in the cleanup itself (broken)."""
        return isinstance(self.error, AssertionError)

    def __str__(self) -> str:
        reason = str(self.error).strip() or type(self.error).__name__
        return f'cleanup "{self.title}" failed: {type(self.error).__name__}: {reason}'


@dataclass
class Cleanup:
    text: str  # the inner step as written
    title: str  # ... with the values its placeholders had when it was registered
    match: Any  # behave's Match: the step definition and its arguments
    doc_string: str | None
    table: Any
    values: dict[str, Any]


def defer(context, text: str) -> None:
    """Register the step ``text`` (with the current step's doc string and table) for the end of the scenario."""
    world = context.world
    if text.strip().lower().startswith(PHRASE):
        raise ValueError(f"{PHRASE} ... cannot defer another cleanup: write the inner step once")
    definition = _definition(context, text)
    if str(definition.pattern).endswith(" with") and context.text is None and context.table is None:
        raise ValueError(f'{PHRASE} "{text}" ends in "with", but no doc string or table follows')
    match = definition.match(text)
    values = dict(world.variables.values)
    try:
        title = world.render(text)
    except LookupError:  # an unknown {variable}: the cleanup fails when it runs, and says why then
        title = text
    world.cleanups.append(Cleanup(text, title, match, context.text, context.table, values))


def _definition(context, text: str) -> Any:
    # The registry this run matches steps with (see handoff.adapter.hooks.before_feature).
    registry = context._runner.step_registry
    for step_type in STEP_TYPES:
        definition = registry.find_step_definition(Step("<cleanup>", 0, step_type.capitalize(), step_type, text))
        if definition is not None:
            return definition
    raise LookupError(f'{PHRASE} "{text}": no step matches this text (see `handoff steps` for the phrases)')


def run_cleanups(context, report: Any, timer: Any) -> list[FailedCleanup]:
    """Run the scenario's cleanups, last registered first; the ones that failed, with their errors."""
    world = getattr(context, "world", None)
    if world is None or not world.cleanups:
        return []
    failures = []
    cleanups, world.cleanups = list(reversed(world.cleanups)), []
    report.after_steps(context._runner.formatters)
    for cleanup in cleanups:
        name = f"At the end of the scenario: {cleanup.title}"
        report.begin_step(name)
        timer.start(name)
        try:
            with report.step(name):
                _run(context, cleanup)
        except Exception as error:  # every cleanup runs; each failure is reported
            failures.append(FailedCleanup(cleanup.title, error))
        finally:
            timer.stop()
    return failures


def _run(context, cleanup: Cleanup) -> None:
    variables = context.world.variables
    now, variables.values = variables.values, dict(cleanup.values)
    # The inner step reads its doc string and table where behave puts them; behave sets them
    # itself for a step it runs (as in context.execute_steps), so they are set in its mode.
    with context._use_with_behave_mode():
        context.text, context.table = cleanup.doc_string, cleanup.table
    try:
        cleanup.match.run(context)
    finally:
        variables.values = now
