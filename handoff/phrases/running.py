"""Running a defined phrase: its inner steps, one by one, as behave runs any step.

Each inner step is a behave model step (read from the definition file, the call's
arguments put in) run with behave's own ``Step.run(runner, quiet=True, capture=False)``
on the scenario's context, inside an Allure sub-step (``allure.step``) named after it.
That is what ``context.execute_steps`` does too, but without its two losses: there the
steps are parsed again from text (so a failure points at no file and line) and the report
shows one opaque step. Here

* each inner step is matched through the run's step registry (a phrase may use phrases);
* the ``before_step``/``after_step`` hooks run for each inner step, so Handoff's per-step
  timeout guards every inner step and its timeline names it, and a suite's own step hooks
  see it as well;
* in the Allure report the phrase is one step with its inner steps as sub-steps: what an
  inner step sends and queries is attached to that sub-step (allure-behave attaches to the
  innermost running step), its doc string and table too, as allure-behave does for steps;
* a failure names the phrase, the inner step and its ``file:line`` in the definition file,
  then the inner step's own message.

Like ``execute_steps`` it sets ``context.text`` and ``context.table`` for each inner step in
behave's mode of the context (``context._use_with_behave_mode``), so that behave does not
warn that user code masks its attributes, and restores the phrase's own afterwards.
"""

from __future__ import annotations

import textwrap
from typing import Any

import allure
from allure_behave.utils import step_table
from allure_commons.types import AttachmentType
from behave.model_core import Status

from handoff.phrases.definitions import Definition


class PhraseStepFailed(AssertionError):
    """An inner step of a phrase failed its check."""


class PhraseStepError(RuntimeError):
    """An inner step of a phrase raised an error, was undefined or a hook around it failed."""


class PhraseTakesNoData(RuntimeError):
    """A doc string or a table under a step that calls a phrase: a phrase has no use for one."""


def run_phrase(context: Any, definition: Definition, arguments: dict[str, str]) -> None:
    """Run the phrase's inner steps with ``arguments`` (the parameters' text as the step wrote it)."""
    given_text, given_table = context.text, context.table
    if given_text is not None or given_table is not None:
        raise PhraseTakesNoData(
            f'The phrase "{definition.phrase}" ({definition.where}) takes no doc string or table: '
            "put the data into the phrase's own steps, or pass it as a parameter"
        )
    runner = context._runner  # behave offers steps no public way to their runner
    try:
        with context._use_with_behave_mode():
            for step in definition.expand(arguments):
                try:
                    with allure.step(f"{step.keyword} {step.name}"):  # the sub-step shows the step's own error
                        _attach_data(step)
                        if not step.run(runner, quiet=True, capture=False):
                            raise _as_exception(step, _reason(step))
                except (PhraseStepFailed, PhraseStepError):
                    raise _failure(definition, arguments, step) from None
    finally:
        with context._use_with_behave_mode():
            context.text, context.table = given_text, given_table


def _attach_data(step) -> None:
    if step.text:
        allure.attach(str(step.text), name=".text", attachment_type=AttachmentType.TEXT)
    if step.table:
        allure.attach(step_table(step), name=".table", attachment_type=AttachmentType.CSV)


def _reason(step) -> str:
    return (step.error_message or step.status.name).rstrip()


def _as_exception(step, message: str) -> Exception:
    return PhraseStepFailed(message) if step.status == Status.failed else PhraseStepError(message)


def _failure(definition: Definition, arguments: dict[str, str], step) -> Exception:
    """The phrase's error: the phrase, the inner step with its file:line, then the inner step's own message."""
    called = ", ".join(f"{name}={value!r}" for name, value in arguments.items())
    message = (
        f'The phrase "{definition.phrase}" ({definition.where}'
        f"{', with ' + called if called else ''}) stopped at its step\n"
        f"  {step.keyword} {step.name}   ({step.filename}:{step.line})\n"
        f"which {'failed' if step.status == Status.failed else 'ended with ' + step.status.name}:\n"
        f"{textwrap.indent(_reason(step), '  ')}"
    )
    return _as_exception(step, message)
