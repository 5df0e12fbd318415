"""The World: everything one scenario knows, made fresh for each scenario.

Steps keep state here, never as loose attributes on behave's ``context``. A suite keeps
its own per-scenario state beside Handoff's by subclassing (cucumber-js's
``setWorldConstructor``)::

    @dataclass
    class ShopWorld(World):
        basket: list[str] = field(default_factory=list)

    hooks.install(globals(), world=ShopWorld)      # environment.py
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handoff.database.table_checks import TableExpectations, TableReader
from handoff.email.mailbox import Email
from handoff.gherkin.tables import table_rows
from handoff.http.conversation import HttpConversation
from handoff.matching.checker import Checker
from handoff.messaging.observer import ScenarioMessages
from handoff.report.attachments import NoAttachments, ReportAttachments
from handoff.run.test_run import TestRun
from handoff.variables.scenario_variables import Variables
from handoff.variables.unique_data import UniqueData


@dataclass
class World:
    run: TestRun
    check: Checker
    data: UniqueData
    report: ReportAttachments | NoAttachments = field(default_factory=NoAttachments)
    # the generic vocabulary: variables, HTTP conversation, database rows, email
    variables: Variables = field(init=False)
    http: HttpConversation = field(init=False)
    tables: TableExpectations = field(init=False)
    last_email: Email | None = None
    # steps deferred to the end of the scenario (handoff.adapter.cleanups), in the order registered
    cleanups: list[Any] = field(default_factory=list)
    messages: ScenarioMessages = field(init=False)  # broker messages (handoff/messaging)

    def __post_init__(self) -> None:
        self.variables = Variables(self.data, self.run.secrets, self.run.settings.get("data"))
        self.http = HttpConversation(self.run)
        self.tables = TableExpectations(TableReader(self.run.databases), self.check)
        self.messages = ScenarioMessages(getattr(self.run, "brokers", None), getattr(self.run, "run_id", "run"))

    def render(self, text: str | None) -> str | None:
        """Step text, a cell or a doc string with the scenario's ``{variables}`` filled in."""
        return self.variables.render(text)

    def rendered_rows(self, table: Any, *required: str) -> list[dict[str, Any]]:
        """A step's table with ``{variables}`` filled in (a cell that is one variable keeps its type)."""
        return [
            {key: self.variables.render_value(cell) for key, cell in row.items()}
            for row in table_rows(table, *required)
        ]
