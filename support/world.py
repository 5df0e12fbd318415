"""The sample suite's World: Handoff's, plus the shop's people and products of the scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from handoff.http.client import Response
from handoff.world import World
from support.shop.api import ShopApi


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
class ShopWorld(World):
    actors: dict[str, Actor] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def shop(self) -> ShopApi:
        """The shop's API, made on first use (a scenario of the generic vocabulary needs none)."""
        return ShopApi(self.run)

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
