"""The World: everything one scenario knows, made fresh for each scenario.

Steps keep state here, never as loose attributes on behave's ``context``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from support.assertions import Checker
from support.http import Response
from support.http_conversation import HttpConversation
from support.mailbox import Email
from support.run import TestRun
from support.table_checks import TableExpectations, TableReader
from support.tables import table_rows
from support.test_data import UniqueData
from support.variables import Variables


class UnknownActor(LookupError):
    """A step names a person the scenario has not introduced."""


@dataclass
class Actor:
    """A person acting in the scenario (Alice, Bob) and what they hold."""

    name: str
    email: str
    password: str
    user_id: str | None = None
    token: str | None = None
    last_response: Response | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    run: TestRun
    check: Checker
    data: UniqueData
    # the generic vocabulary: variables, HTTP conversation, database rows, email
    variables: Variables = field(init=False)
    http: HttpConversation = field(init=False)
    tables: TableExpectations = field(init=False)
    last_email: Email | None = None
    # the sample shop's vocabulary: people with accounts, products in the catalog
    actors: dict[str, Actor] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.variables = Variables(self.data, self.run.secrets, self.run.settings.get("data"))
        self.http = HttpConversation(self.run)
        self.tables = TableExpectations(TableReader(self.run.databases), self.check)

    def render(self, text: str | None) -> str | None:
        """Step text, a cell or a doc string with the scenario's ``{variables}`` filled in."""
        return self.variables.render(text)

    def rendered_rows(self, table: Any, *required: str) -> list[dict[str, Any]]:
        """A step's table with ``{variables}`` filled in (a cell that is one variable keeps its type)."""
        return [
            {key: self.variables.render_value(cell) for key, cell in row.items()}
            for row in table_rows(table, *required)
        ]

    def actor(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise UnknownActor(
                f"{name} has not appeared in this scenario yet; introduce them first, "
                f"for example with 'Given {name} has an account'"
            ) from None

    def product(self, name: str) -> dict[str, Any]:
        try:
            return self.products[name]
        except KeyError:
            known = ", ".join(repr(p) for p in self.products) or "none"
            raise LookupError(
                f"product {name!r} is not in this scenario's catalog (known: {known}); "
                "add it with 'Given the catalog has these products:'"
            ) from None
