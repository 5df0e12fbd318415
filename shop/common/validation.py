"""Validation of JSON request bodies; failures are 400 ``invalid_request`` naming the field."""

from __future__ import annotations

import math
from typing import Any

from flask import request

from shop.common.errors import invalid_request

_MISSING = object()
# The largest value the services' INTEGER columns hold (PostgreSQL's integer): a larger one
# is answered 400 instead of failing in the database (SQLite overflows at 2**63) with a 500.
MAX_STORED_INT = 2**31 - 1


def json_body() -> dict[str, Any]:
    """The request body, which must be a JSON object."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise invalid_request("request body must be a JSON object")
    return body


def storable(text: str) -> bool:
    """Whether a database can hold ``text``: PostgreSQL refuses NUL characters, and UTF-8 has no unpaired surrogates.

    A lookup by such a text matches nothing; a body field with one is 400 (not a database error, 500).
    """
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def get_str(
    body: dict[str, Any],
    field: str,
    *,
    default: Any = _MISSING,
    max_length: int = 255,
    min_length: int = 1,
) -> str:
    """A string field, stripped of surrounding whitespace."""
    value = _given(body, field, default)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        raise invalid_request(f"'{field}' must be a string")
    if not storable(value):
        raise invalid_request(f"'{field}' must be text without NUL characters or unpaired surrogates")
    value = value.strip()
    if len(value) < min_length:
        raise invalid_request(f"'{field}' must be at least {min_length} character(s) long")
    if len(value) > max_length:
        raise invalid_request(f"'{field}' must be at most {max_length} characters long")
    return value


def get_int(
    body: dict[str, Any],
    field: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: Any = _MISSING,
) -> int:
    """An integer field (booleans and floats are rejected) within the given bounds (at most ``MAX_STORED_INT``)."""
    value = _given(body, field, default)
    if value is _MISSING:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_request(f"'{field}' must be an integer")
    _check_bounds(field, value, minimum, MAX_STORED_INT if maximum is None else min(maximum, MAX_STORED_INT))
    return value


def get_number(
    body: dict[str, Any],
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    default: Any = _MISSING,
    exclusive_minimum: bool = False,
) -> float:
    """A numeric (int or float) field within the given bounds."""
    value = _given(body, field, default)
    if value is _MISSING:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid_request(f"'{field}' must be a number")
    if exclusive_minimum and minimum is not None and value <= minimum:
        raise invalid_request(f"'{field}' must be > {minimum}")
    _check_bounds(field, value, minimum, maximum)
    return value


def get_currency(body: dict[str, Any], field: str = "currency", *, default: Any = _MISSING) -> str:
    """A three-letter currency code, returned upper-case."""
    value = get_str(body, field, default=default, max_length=3, min_length=3)
    if not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise invalid_request(f"'{field}' must be a three-letter currency code")
    return value.upper()


def parse_id(raw: str) -> int | None:
    """A positive integer id from a URL segment (at most ``MAX_STORED_INT``), or None when it is not one."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 18 and 0 < int(raw) <= MAX_STORED_INT:
        return int(raw)
    return None


def _given(body: dict[str, Any], field: str, default: Any) -> Any:
    """The field's value; ``_MISSING`` when it is absent (or null) and has a default; else 400."""
    value = body.get(field)
    if value is None:
        if default is _MISSING:
            raise invalid_request(f"'{field}' is required")
        return _MISSING
    return value


def _check_bounds(field: str, value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise invalid_request(f"'{field}' must be >= {minimum}")
    if maximum is not None and value > maximum:
        raise invalid_request(f"'{field}' must be <= {maximum}")


def get_card_number(body: dict[str, Any], field: str = "card_number") -> str:
    """A card number of 12-19 digits (spaces allowed in the input)."""
    number = get_str(body, field, max_length=23, min_length=12).replace(" ", "")
    if not (12 <= len(number) <= 19 and number.isascii() and number.isdigit()):
        raise invalid_request(f"'{field}' must be 12 to 19 digits")
    return number
