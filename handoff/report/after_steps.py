"""What happens after a scenario's last step (its cleanups), in the scenario's Allure result.

Two things allure-behave does not do by itself:

* It writes the steps a failure skipped only when the scenario ends, so a step of the
  report's own added after the last behave step (a cleanup) would come before them:
  :func:`write_skipped_steps` has it write them first.
* It sets a scenario's status from its steps alone, so a cleanup that fails after them
  would leave a passed result. :class:`LateFailures` is a plugin of allure-commons: its
  ``report_result`` hook runs before the one that writes the result file (``tryfirst``)
  and marks the result failed or broken with the message, or adds the message to a
  failure already there.
"""

from __future__ import annotations

from typing import Any

import allure_commons
from allure_behave.listener import AllureListener
from allure_behave.utils import scenario_name
from allure_commons.model2 import Status, StatusDetails


class LateFailures:
    def __init__(self) -> None:
        self.pending: dict[str, tuple[str, str]] = {}  # Allure test name -> (status, message)

    def add(self, scenario: Any, message: str, broken: bool) -> None:
        """Mark the result of a behave scenario, written when that scenario ends."""
        self.pending[scenario_name(scenario)] = (Status.BROKEN if broken else Status.FAILED, message)

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result) -> None:
        late = self.pending.pop(result.name, None)
        if late is None:
            return
        status, message = late
        if result.status in (Status.PASSED, None):
            result.status = status
            result.statusDetails = StatusDetails(message=message)
        else:
            details = result.statusDetails or StatusDetails()
            details.message = f"{details.message or ''}\n{message}".strip()
            result.statusDetails = details

    def register(self) -> LateFailures:
        if not allure_commons.plugin_manager.is_registered(self):
            allure_commons.plugin_manager.register(self)
        return self


def write_skipped_steps(formatters: list[Any]) -> None:
    """Have allure-behave's listener write the steps of the scenario it has not written yet (skipped ones)."""
    for formatter in formatters:
        listener = getattr(formatter, "listener", None)
        if isinstance(listener, AllureListener):
            listener.flush_steps()  # what it does itself when the scenario ends: the same steps, the same status
