"""JSON as features write it: doc strings and inline values, JSON paths, schemas, diffs."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext import parse as parse_jsonpath

from handoff.matching.numbers import plain
from handoff.matching.patterns import MISSING, Mismatch, is_marker


class BadJson(ValueError):
    """A doc string or value in a feature is not valid JSON."""


def parse_document(text: str, what: str = "the doc string") -> Any:
    """A JSON doc string; a syntax error names the line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        lines = text.splitlines()
        shown = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else ""
        raise BadJson(
            f"{what} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}:\n"
            f"    {shown}\n    {' ' * (error.colno - 1)}^"
        ) from None


def parse_expected(text: str) -> Any:
    """An inline expected value: JSON (``"PAID"``, ``12``, ``true``, ``null``, ``[1]``) or a marker."""
    text = text.strip()
    if is_marker(text):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise BadJson(
            f'{text!r} is neither JSON nor a marker: write text in double quotes ("PAID"), '
            "numbers, true, false, null, or a marker such as #string"
        ) from None


@functools.lru_cache(maxsize=512)
def _compiled(path: str):
    expression = path if path.startswith("$") else "$." + path
    try:
        return parse_jsonpath(expression)
    except (JsonPathParserError, Exception) as error:
        raise BadJson(f"{path!r} is not a valid JSON path: {error}") from None


def find(document: Any, path: str) -> Any:
    """The value at a JSON path (``$.items[0].id`` or ``items[0].id``); a list for wildcards.

    A path that finds nothing gives :data:`handoff.matching.patterns.MISSING`, which markers such as
    ``#notpresent`` and ``##string`` understand.
    """
    found = [match.value for match in _compiled(path).find(document)]
    if not found:
        return MISSING
    if len(found) == 1 and not any(token in path for token in ("*", "[?", "..")):
        return found[0]
    return found


def find_all(document: Any, path: str) -> list[Any]:
    """Every value a JSON path selects, in document order (an empty list when none)."""
    return [match.value for match in _compiled(path).find(document)]


def load_schema(text_or_path: str, folders: Sequence[Path]) -> dict:
    """A JSON Schema from a doc string, or from a file in the first of ``folders`` that has it."""
    stripped = text_or_path.strip()
    if stripped.startswith("{"):
        return parse_document(stripped, "the JSON schema")
    candidates = [(folder / stripped).resolve() for folder in folders]
    for path in candidates:
        if path.is_file():
            return parse_document(path.read_text(encoding="utf-8"), f"the JSON schema in {stripped}")
    looked = ", ".join(str(path) for path in candidates)
    raise FileNotFoundError(f"no JSON schema file {stripped!r} (looked at {looked})")


def schema_errors(document: Any, schema: dict) -> list[str]:
    """Every way the document breaks the schema, each with its JSON path."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        validator_class = Draft202012Validator
        validator_class.check_schema(schema)
    except SchemaError as error:
        raise BadJson(f"the JSON schema itself is invalid: {error.message}") from None
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{error.json_path}: {error.message}" for error in errors]


def describe_mismatches(mismatches: list[Mismatch], expected: Any, actual: Any) -> str:
    lines = [f"{len(mismatches)} difference(s):", *(f"  {m}" for m in mismatches[:30])]
    if len(mismatches) > 30:
        lines.append(f"  … and {len(mismatches) - 30} more")
    lines += ["expected:", _indent(pretty(expected)), "actual:", _indent(pretty(actual))]
    return "\n".join(lines)


def pretty(value: Any, limit: int = 3000) -> str:
    if value is MISSING:
        return "(nothing at that path)"
    text = json.dumps(plain(value), indent=2, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + f"\n… [{len(text)} characters in all]"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
