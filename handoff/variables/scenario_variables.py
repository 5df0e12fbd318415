"""Scenario variables and ``{name}`` templating in step text, table cells and doc strings.

A scenario saves values under names (from a response, a header, a cookie, a database
row) and uses them later as ``{name}``; ``{name.field}`` and ``{name.0}`` reach into
saved objects and arrays. Built-in values make unique data and times:

``{uuid}``, ``{unique_id}``, ``{unique_email}``, ``{now}`` and ``{today}`` (with an
offset such as ``{now+5m}``, ``{today-1d}``; units s, m, h, d), and
``{secrets.<name>}`` for a configured secret (masked wherever it appears), and
``{data.<name>}`` for the environment's test data (``[data]`` in config/<env>.toml).

Arithmetic works in the same braces: ``{price * 2}``, ``{before.total - 0.01}``, with
decimal semantics (:mod:`handoff.variables.expressions`).

Only ``{identifier}`` and expressions that start with a name are placeholders, so JSON such
as ``{"a": 1}`` is left alone. In SQL a placeholder becomes one bound parameter, never text.
A value is written into text the same way whichever database gave it: a number as
``39.98`` (never ``"39.98"``, so it is a JSON number in a JSON doc string and text inside
quotes), a date as ``2026-12-01`` (:func:`handoff.matching.numbers.number_text`).

A variable set from a doc string (:func:`doc_string_value`) is JSON when the doc string
starts with ``{`` or ``[`` (an object or array, reachable as ``{name.items.0}``), and
text otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from handoff.matching.json_payloads import parse_document
from handoff.matching.numbers import is_number, number_text, plain
from handoff.variables import expressions
from handoff.variables.unique_data import UniqueData

PLACEHOLDER = re.compile(
    r"\{(?:(?P<name>[A-Za-z_]\w*(?:\.\w+)*)(?P<offset>[+-]\d+[smhd])?|(?P<expression>"
    + expressions.EXPRESSION
    + r"))\}"
)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class UnknownVariable(LookupError):
    """A step uses ``{name}`` for a value the scenario never saved."""


class Variables:
    """The values one scenario has saved, and the rendering of templates with them."""

    def __init__(
        self, unique: UniqueData, secrets: Mapping[str, str] | None = None, data: Mapping[str, Any] | None = None
    ) -> None:
        self.unique = unique
        self.secrets = dict(secrets or {})
        self.data = dict(data or {})
        self.values: dict[str, Any] = {}

    def save(self, name: str, value: Any) -> None:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"invalid variable name {name!r}: use letters, digits and _")
        self.values[name] = value

    def get(self, name: str, offset: str | None = None) -> Any:
        head, *path = name.split(".")
        if head in ("now", "today") and not path:
            return self._time(head, offset)
        if offset:
            raise UnknownVariable(f"an offset such as {offset!r} only goes with now and today")
        if head == "secrets":
            return self._secret(path)
        if head == "data":
            return self._data(path)
        value = self._builtin(head) if head in ("uuid", "unique_id", "unique_email") else self._saved(head)
        for part in path:
            value = _step_into(value, part, name)
        return value

    def render(self, text: str | None) -> str | None:
        """Text with every placeholder replaced (objects and arrays as JSON)."""
        if text is None:
            return None
        return PLACEHOLDER.sub(lambda m: as_text(self._value(m)), text)

    def render_value(self, text: str) -> Any:
        """A template that is exactly one placeholder gives the saved value itself."""
        whole = PLACEHOLDER.fullmatch(text.strip())
        return self._value(whole) if whole else self.render(text)

    def render_sql(self, sql: str) -> tuple[str, dict[str, Any]]:
        """SQL with each placeholder (an expression too) turned into one bound parameter."""
        params: dict[str, Any] = {}

        def bind(match: re.Match[str]) -> str:
            key = f"p{len(params)}"
            params[key] = self._value(match)
            return f":{key}"

        return PLACEHOLDER.sub(bind, sql), params

    def evaluate(self, expression: str) -> Any:
        """The value of an arithmetic expression over saved values, ``price * 2``."""
        return expressions.evaluate(expression, self.get, self._known)

    def _value(self, match: re.Match[str]) -> Any:
        if match["expression"] is not None:
            return self.evaluate(match["expression"])
        return self.get(match["name"], match["offset"])

    def _known(self) -> str:
        saved = ", ".join(sorted(self.values)) or "none yet"
        return f"saved so far: {saved}; built in: uuid, unique_id, unique_email, now, today, data.<name>"

    def _saved(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            known = ", ".join(sorted(self.values)) or "none yet"
            raise UnknownVariable(
                f"no variable {name!r} in this scenario (saved so far: {known}; built in: uuid, unique_id, "
                "unique_email, now, today, secrets.<name>, data.<name>)"
            ) from None

    def _builtin(self, name: str) -> str:
        if name == "uuid":
            return str(uuid.uuid4())
        if name == "unique_id":
            return self.unique.suffix()
        return self.unique.email("user")

    def _secret(self, path: list[str]) -> str:
        if len(path) != 1 or path[0] not in self.secrets:
            known = ", ".join(sorted(self.secrets)) or "none"
            raise UnknownVariable(f"no secret {'.'.join(path)!r} (configured secrets: {known})")
        return self.secrets[path[0]]

    def _data(self, path: list[str]) -> Any:
        value: Any = self.data
        for part in path:
            if not isinstance(value, Mapping) or part not in value:
                known = ", ".join(sorted(self.data)) or "none"
                raise UnknownVariable(
                    f"no test data {'.'.join(path)!r} ([data] in the environment's file has: {known})"
                )
            value = value[part]
        return value

    @staticmethod
    def _time(name: str, offset: str | None) -> str:
        moment = datetime.now(UTC)
        if offset:
            amount = int(offset[:-1])
            moment += timedelta(**{_UNITS[offset[-1]]: amount})
        if name == "today":
            return moment.date().isoformat()
        return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _step_into(value: Any, part: str, name: str) -> Any:
    if isinstance(value, Mapping) and part in value:
        return value[part]
    if isinstance(value, list) and part.isdigit() and int(part) < len(value):
        return value[int(part)]
    raise UnknownVariable(f"{{{name}}}: {part!r} is not in {as_text(value)[:200]}")


def as_text(value: Any) -> str:
    """A value as it goes into step text: text as it is, a number or date bare, the rest as JSON."""
    if isinstance(value, str):
        return value
    if is_number(value):
        return number_text(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return json.dumps(plain(value), ensure_ascii=False, default=str)


def doc_string_value(text: str, name: str) -> Any:
    """A rendered doc string as a variable's value: JSON if it starts with ``{`` or ``[``, else the text itself."""
    if text.lstrip().startswith(("{", "[")):
        return parse_document(
            text, f'the doc string of variable "{name}" (it starts with {text.lstrip()[0]}, so it is read as JSON)'
        )
    return text
