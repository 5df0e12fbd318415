"""Numbers as features mean them: one rule for equality, text and JSON, on every database.

A number is a number whatever carried it: a JSON ``34.5`` from a response, a ``34.50``
written in a feature, PostgreSQL's ``NUMERIC`` (a :class:`~decimal.Decimal`) or the float
or integer SQLite gives for the same column. So ``0.00`` equals ``0`` and ``34.50`` equals
``34.5``, by the value's decimal text (a float counts as its shortest text: ``0.1`` is
exactly ``0.1``, never 0.1000000000000000055...). Booleans are not numbers.

Every check that compares values goes through :func:`same_number` (the matcher, table
cells, saved values, comparisons), every template writes a number with
:func:`number_text`, and :func:`plain` turns database values into the JSON-like values
SQLite would have given, so that no Decimal or date is ever written as a quoted string.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Context, Decimal, InvalidOperation
from typing import Any

NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_number(value: Any) -> bool:
    """An int, float or Decimal (finite), never a bool."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, Decimal) and value.is_finite()


def to_decimal(value: Any) -> Decimal:
    """A number as an exact Decimal; a float by its shortest text (``0.1`` -> ``Decimal('0.1')``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{value!r} is not a number")


def parse_number(text: str) -> Decimal | None:
    """Text written as a number (``34.50``, ``-3``, ``1e3``) as a Decimal; None for other text."""
    stripped = text.strip()
    if not NUMBER_TEXT.fullmatch(stripped):
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        return None


def numeric(value: Any, *, text: bool = False) -> Decimal | None:
    """The value as a Decimal if it is a number (or, with ``text``, text written as one)."""
    if is_number(value):
        return to_decimal(value)
    if text and isinstance(value, str):
        return parse_number(value)
    return None


def same_number(actual: Any, expected: Any, *, text: bool = False) -> bool:
    """Both are numbers (text written as a number counts with ``text``) of the same value."""
    left, right = numeric(actual, text=text), numeric(expected, text=text)
    return left is not None and right is not None and left == right


def number_text(value: Any) -> str:
    """A number written the same way whichever database or JSON parser made it.

    Trailing zeros go (``Decimal('39.90')`` and SQLite's ``39.9`` both read ``39.9``;
    ``Decimal('3.00')`` and SQLite's ``3`` both read ``3``), and no exponent appears for
    everyday magnitudes. The text is valid JSON.
    """
    number = to_decimal(value)
    if number == 0:
        return "0"
    normal = number.normalize(Context(prec=max(1, len(number.as_tuple().digits))))  # exact: never rounds
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and -30 <= exponent <= 30:
        return format(normal, "f")
    return str(normal)


def plain(value: Any) -> Any:
    """A database value (or a row, or a list of them) as JSON-like values, the same on every database.

    A Decimal becomes an int when whole, else a float when the float has the same decimal
    text (every amount of money does), else its text; dates and times become ISO 8601 text.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else number_text(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value
