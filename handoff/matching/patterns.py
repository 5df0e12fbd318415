"""Fuzzy matching of JSON-like values, in the spirit of Karate's ``match``.

An expected value is plain JSON in which any string may be a *marker*:

=====================  =====================================================
``#ignore``            anything, even a missing key
``#null`` / ``#notnull``  ``null`` / anything but ``null`` (key must be there)
``#present`` / ``#notpresent``  the key is there (any value) / is not there
``#string`` ``#number`` ``#boolean`` ``#array`` ``#object``  a value of that type
``#uuid``              a string holding a UUID
``#datetime``          a string holding an ISO 8601 date-time
``#regex <pattern>``   a string the whole of which matches the pattern
``#[]`` / ``#[N]``     an array (of N elements); ``#[] #string``: each element matches
``#[] {"id": "#number"}``  an array each of whose elements matches the JSON pattern after it
``#> 3`` ``#>= 3`` ``#< 3`` ``#<= 3``  a number greater than, at least, less than, at most 3
``#between 1 and 5``   a number from 1 to 5, both included (also ISO dates and times)
``#!= <value>``        anything but the value (a number, ``true``, ``null``, ``"text"`` or text)
``##<marker>``         optional: missing or ``null``, or else matches ``#<marker>``
=====================  =====================================================

Numbers compare as numbers (``34.50`` equals ``34.5``, a PostgreSQL Decimal equals the
same float: :mod:`handoff.matching.numbers`); comparisons are in
:mod:`handoff.matching.comparisons`.

:func:`match` compares in one of three modes: ``equal`` (objects have exactly the
expected keys, arrays the expected elements in order), ``contains`` (objects have at
least the expected keys at every level, arrays hold an element containing each expected one,
and a string compared as a whole contains the text) and ``contains only`` (arrays hold
exactly the expected elements, in any order).
It returns every mismatch with its path, so a failure can show all of them at once.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handoff.matching import comparisons
from handoff.matching.numbers import is_number, parse_number, plain, same_number

EQUAL, CONTAINS, CONTAINS_ONLY = "equal", "contains", "contains only"
MODES = (EQUAL, CONTAINS, CONTAINS_ONLY)
MISSING = object()
_ARRAY_MARKER = re.compile(r"#\[(\d*)\]\s*(.*)")


class InvalidMarker(ValueError):
    """An expected value uses a marker that does not exist or is malformed."""


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.actual}"


def match(actual: Any, expected: Any, mode: str = EQUAL, path: str = "$") -> list[Mismatch]:
    """Every way in which ``actual`` differs from ``expected``; empty when it matches."""
    if mode not in MODES:
        raise ValueError(f"unknown match mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == CONTAINS and isinstance(expected, str) and not is_marker(expected) and isinstance(actual, str):
        return [] if expected in actual else [Mismatch(path, f"text containing {expected!r}", _show(actual))]
    if mode == CONTAINS and isinstance(actual, list) and not isinstance(expected, list):
        expected = [expected]  # an array contains one value: that value is one of its elements
    return _match(actual, expected, mode, path)


def matches(actual: Any, expected: Any, mode: str = EQUAL) -> bool:
    return not match(actual, expected, mode)


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("#")


def _match(actual: Any, expected: Any, mode: str, path: str) -> list[Mismatch]:
    if is_marker(expected):
        return _match_marker(actual, expected, path, mode)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Mismatch(path, "an object", _show(actual))]
        return _match_object(actual, expected, mode, path)
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Mismatch(path, "an array", _show(actual))]
        return _match_array(actual, expected, mode, path)
    if actual is MISSING:
        return [Mismatch(path, _show(expected), "nothing (the key is missing)")]
    if same_value(actual, expected):
        return []
    return [Mismatch(path, _show(expected), _show(actual))]


def same_value(actual: Any, expected: Any) -> bool:
    """One value equals another: booleans only booleans, numbers by value (``0.00`` is ``0``)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if is_number(actual) and is_number(expected):
        return same_number(actual, expected)
    return actual == expected


def _match_object(actual: dict, expected: dict, mode: str, path: str) -> list[Mismatch]:
    mismatches = []
    for key, wanted in expected.items():
        mismatches += _match(actual.get(key, MISSING), wanted, mode, f"{path}.{key}")
    if mode == EQUAL:
        for key in actual.keys() - expected.keys():
            mismatches.append(Mismatch(f"{path}.{key}", "no such key", _show(actual[key])))
    return mismatches


def _match_array(actual: list, expected: list, mode: str, path: str) -> list[Mismatch]:
    if mode == EQUAL:
        if len(actual) != len(expected):
            return [Mismatch(path, f"{len(expected)} element(s)", f"{len(actual)}: {_show(actual)}")]
        mismatches = []
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            mismatches += _match(got, wanted, EQUAL, f"{path}[{index}]")
        return mismatches
    unmatched = list(range(len(actual)))
    mismatches = []
    element_mode = CONTAINS if mode == CONTAINS else EQUAL  # "contains" reaches into elements too
    for wanted in expected:
        found = next((i for i in unmatched if not _match(actual[i], wanted, element_mode, path)), None)
        if found is None:
            mismatches.append(Mismatch(path, f"an element matching {_show(wanted)}", _show(actual)))
        else:
            unmatched.remove(found)
    if mode == CONTAINS_ONLY and unmatched and not mismatches:
        extra = [actual[i] for i in unmatched]
        mismatches.append(Mismatch(path, f"only {_show(expected)}", f"also {_show(extra)}"))
    return mismatches


def _match_marker(actual: Any, marker: str, path: str, mode: str = EQUAL) -> list[Mismatch]:
    if marker.startswith("##"):
        if actual is MISSING or actual is None:
            return []
        return _match_marker(actual, marker[1:], path, mode)
    if marker == "#ignore":
        return []
    if marker == "#notpresent":
        return [] if actual is MISSING else [Mismatch(path, "no such key", _show(actual))]
    if actual is MISSING:
        return [Mismatch(path, marker, "nothing (the key is missing)")]
    ok = _check_marker(actual, marker, path, mode)
    if isinstance(ok, list):
        return ok
    return [] if ok else [Mismatch(path, marker, _show(actual))]


def _check_marker(actual: Any, marker: str, path: str, mode: str = EQUAL) -> bool | list[Mismatch]:
    simple = {
        "#present": lambda v: True,
        "#null": lambda v: v is None,
        "#notnull": lambda v: v is not None,
        "#string": lambda v: isinstance(v, str),
        "#number": is_number,
        "#boolean": lambda v: isinstance(v, bool),
        "#array": lambda v: isinstance(v, list),
        "#object": lambda v: isinstance(v, dict),
        "#uuid": _is_uuid,
        "#datetime": _is_datetime,
    }
    if marker in simple:
        return simple[marker](actual)
    if marker.startswith("#regex "):
        pattern = marker[len("#regex ") :]
        try:
            return isinstance(actual, str) and re.fullmatch(pattern, actual) is not None
        except re.error as error:
            raise InvalidMarker(f"{marker!r} at {path}: not a valid regular expression ({error})") from None
    if marker.startswith("#!="):
        return not same_value(actual, _operand(marker[len("#!=") :]))
    try:
        ordering = comparisons.from_marker(marker)
    except comparisons.NotComparable as error:
        raise InvalidMarker(f"{marker!r} at {path}: {error}") from None
    if ordering is not None:
        failure = ordering.failure(actual)
        return [] if failure is None else [Mismatch(path, ordering.describe(), _show(actual))]
    array = _ARRAY_MARKER.fullmatch(marker)
    if array:
        size, each = array.groups()
        if not isinstance(actual, list):
            return False
        if size and len(actual) != int(size):
            return [Mismatch(path, f"{size} element(s)", f"{len(actual)}: {_show(actual)}")]
        return each_element(actual, _element_pattern(each, marker, path), mode, path) if each else []
    raise InvalidMarker(
        f"unknown marker {marker!r} at {path}; known: #ignore #null #notnull #present #notpresent "
        "#string #number #boolean #array #object #uuid #datetime #regex <pattern> #[] #[N] #[] {...} "
        "#> #>= #< #<= #between <low> and <high> #!= <value> ##<marker>"
    )


def each_element(actual: list, expected: Any, mode: str = EQUAL, path: str = "$") -> list[Mismatch]:
    """Every way in which the elements of ``actual`` differ from one pattern (Karate's ``match each``).

    In ``contains`` mode each element needs only contain the pattern.
    """
    element_mode = CONTAINS if mode == CONTAINS else EQUAL
    mismatches = []
    for index, element in enumerate(actual):
        mismatches += match(element, expected, element_mode, f"{path}[{index}]")
    return mismatches


def _element_pattern(text: str, marker: str, path: str) -> Any:
    """What follows ``#[]``: a marker (``#string``), or a JSON pattern (``{"id": "#number"}``)."""
    text = text.strip()
    if is_marker(text):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidMarker(
            f"{marker!r} at {path}: after #[] comes a marker (#string) or a JSON pattern "
            f'({{"id": "#number"}}); this is neither ({error.msg})'
        ) from None


def _operand(text: str) -> Any:
    """The value after ``#!=``: a number, JSON (``true``, ``null``, ``"PAID"``) or else the text itself."""
    text = text.strip()
    number = parse_number(text)
    if number is not None:
        return number
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _show(value: Any) -> str:
    if value is MISSING:
        return "nothing (the key is missing)"
    text = json.dumps(plain(value), ensure_ascii=False, default=str)
    return text if len(text) <= 200 else text[:200] + "…"
