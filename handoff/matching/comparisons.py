"""Ordering comparisons of a value: greater than, less than, at least, at most, between.

Numbers compare with Decimal semantics (``0.1 + 0.2`` is at most ``0.3``), whatever carried
them: JSON, a feature's text, PostgreSQL's NUMERIC or SQLite's float (see
:mod:`handoff.matching.numbers`); text written as a number counts as that number, since a
service may send money as ``"34.50"``. Dates and times in ISO 8601 compare in time order
(a time without a zone is taken as UTC, a date as its midnight).

Steps say ``is greater than 3``, ``is at least {previous_total}``, ``is between 1 and 5``
(inclusive); payload patterns and table cells say the same with markers: ``#> 3``,
``#>= 3``, ``#< 3``, ``#<= 3``, ``#between 1 and 5`` (:mod:`handoff.matching.patterns`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from handoff.matching.numbers import number_text, numeric

ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "greater than": operator.gt,
    "less than": operator.lt,
    "at least": operator.ge,
    "at most": operator.le,
}
BETWEEN = "between"
MARKERS = {">": "greater than", "<": "less than", ">=": "at least", "<=": "at most"}
MARKER = re.compile(r"#(>=|<=|>|<)\s*(?P<bound>\S.*)|#between\s+(?P<low>\S.*?)\s+and\s+(?P<high>\S.*)")


class NotComparable(ValueError):
    """A bound of a comparison is neither a number nor a date or time."""


@dataclass(frozen=True)
class Comparison:
    """``greater than 3``, ``between 1 and 5``: a condition on one value."""

    relation: str
    bounds: tuple[Decimal | datetime, ...]
    written: tuple[str, ...]

    def describe(self) -> str:
        if self.relation == BETWEEN:
            return f"between {self.written[0]} and {self.written[1]} (inclusive)"
        return f"{self.relation} {self.written[0]}"

    def failure(self, actual: Any) -> str | None:
        """None when ``actual`` meets the condition, else why not."""
        kind = type(self.bounds[0])
        value = orderable(actual)
        if value is None or not isinstance(value, kind):
            wanted = "a number" if kind is Decimal else "a date or time"
            return f"{wanted} {self.describe()}, but it is not {wanted}"
        if self.relation == BETWEEN:
            low, high = self.bounds
            holds = low <= value <= high
        else:
            holds = ORDERINGS[self.relation](value, self.bounds[0])
        return None if holds else f"{self.describe()}, but it is not"


def comparison(relation: str, *bounds: Any) -> Comparison:
    """A comparison from a relation (``at least``, ``between``...) and its bound(s), values or text."""
    if relation != BETWEEN and relation not in ORDERINGS:
        raise ValueError(f"unknown comparison {relation!r}; use one of {', '.join([*ORDERINGS, BETWEEN])}")
    wanted = 2 if relation == BETWEEN else 1
    if len(bounds) != wanted:
        raise ValueError(f"{relation!r} takes {wanted} bound(s), got {len(bounds)}")
    bounds = tuple(_unquoted(bound) if isinstance(bound, str) else bound for bound in bounds)
    values = []
    for bound in bounds:
        value = orderable(bound)
        if value is None:
            raise NotComparable(
                f"cannot compare with {bound!r}: {relation} needs a number (12, 34.50) or an ISO 8601 date or time"
            )
        values.append(value)
    if len({type(value) for value in values}) > 1:
        raise NotComparable(f"cannot compare between a number and a date: {bounds!r}")
    if relation == BETWEEN and values[0] > values[1]:
        raise NotComparable(f"between {bounds[0]} and {bounds[1]}: the first bound is greater than the second")
    return Comparison(relation, tuple(values), tuple(_written(bound) for bound in bounds))


def from_marker(marker: str) -> Comparison | None:
    """The comparison a marker such as ``#>= 2`` or ``#between 1 and 5`` stands for; None for other markers."""
    found = MARKER.fullmatch(marker.strip())
    if found is None:
        return None
    if found["low"] is not None:
        return comparison(BETWEEN, found["low"], found["high"])
    return comparison(MARKERS[found.group(1)], found["bound"])


def orderable(value: Any) -> Decimal | datetime | None:
    """A number as a Decimal, a date or time as an aware datetime; None for anything else."""
    number = numeric(value, text=True)
    if number is not None:
        return number
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _written(bound: Any) -> str:
    number = numeric(bound)
    if number is not None:
        return number_text(number)
    return bound.isoformat() if isinstance(bound, (date, datetime)) else str(bound)


def _unquoted(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
