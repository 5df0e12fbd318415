"""Drift before it ships: which scenarios a new version of an API description would break.

``handoff contracts diff OLD NEW`` reads two versions of one service's description and
the exchanges the last run recorded (``reports/api-exchanges.jsonl``,
handoff/contracts/recording.py), and lists, per scenario, what the change takes away
from what the scenario relies on:

* an operation it calls that is gone;
* a status it received that the operation no longer declares;
* a response field it read that was removed, or whose type changed;
* a request field or parameter the new version requires that the scenario does not send.

A change nobody relies on breaks nothing and is not listed: this is the consumer's view
(as in consumer-driven contracts), not a diff of two documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openapi_core import OpenAPI

from handoff.contracts.descriptions import operations

JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Break:
    scenario: str
    location: str
    service: str
    operation: str
    what: str

    def describe(self) -> str:
        return f"{self.service} {self.operation}: {self.what}"


def breaks(old: OpenAPI, new: OpenAPI, service: str, exchanges: Iterable[Mapping[str, Any]]) -> list[Break]:
    """What ``new`` breaks of the recorded exchanges with ``service`` that ``old`` described."""
    new_operations = operations(new)
    found: dict[tuple, Break] = {}
    for exchange in exchanges:
        operation = exchange.get("operation")
        if exchange.get("service") != service or not operation:
            continue

        def add(what: str, exchange=exchange, operation=operation) -> None:
            item = Break(exchange["scenario"], exchange["location"], service, operation, what)
            found.setdefault((item.location, item.scenario, item.operation, item.what), item)

        if operation not in new_operations:
            add("the operation is gone")
            continue
        status = str(exchange["status"])
        if status not in new_operations[operation]:
            add(f"status {status}, which the scenario received, is no longer declared")
            continue
        for pointer in exchange.get("read", ()):
            before = _type_at(_response_schema(old, operation, status), pointer)
            after = _type_at(_response_schema(new, operation, status), pointer)
            if before is _ABSENT:
                continue  # not described before either: nothing promised, nothing taken
            if after is _ABSENT:
                add(f"the response field {pointer}, which the scenario reads, was removed")
            elif before and after and before != after:
                add(f"the response field {pointer}, which the scenario reads, changed type from {before} to {after}")
        sent = set(exchange.get("sent", ()))
        for pointer in sorted(_required_pointers(_request_schema(new, operation))):
            if pointer not in sent:
                add(f"the request field {pointer} is now required, and the scenario does not send it")
        parameters = set(exchange.get("parameters", ()))
        for name in sorted(_required_parameters(new, operation) - _required_parameters(old, operation)):
            if name.lower() not in {p.lower() for p in parameters}:
                add(f"the {name.replace(':', ' parameter ', 1)} is now required, and the scenario does not send it")
    return sorted(found.values(), key=lambda b: (b.location, b.operation, b.what))


_ABSENT = object()


def _operation_path(api: OpenAPI, operation: str):
    method, path = operation.split(" ", 1)
    return api.spec / "paths" / path / method.lower()


def _response_schema(api: OpenAPI, operation: str, status: str):
    responses = _operation_path(api, operation) / "responses"
    if status not in responses:
        return None
    return _json_schema(responses / status)


def _request_schema(api: OpenAPI, operation: str):
    item = _operation_path(api, operation)
    if "requestBody" not in item:
        return None
    return _json_schema(item / "requestBody")


def _json_schema(holder):
    if "content" not in holder:
        return None
    content = holder / "content"
    for media in content.read_value():
        if media in JSON_TYPES or media.endswith("+json"):
            entry = content / media
            return entry / "schema" if "schema" in entry else None
    return None


def _type_at(schema, pointer: str) -> Any:
    """The JSON type the schema gives the member at ``pointer``; _ABSENT when it has no such member."""
    if schema is None:
        return _ABSENT
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]:
        schema = _child(schema, part)
        if schema is None:
            return _ABSENT
    return _type_of(schema)


def _child(schema, part: str):
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            for index in range(len((schema / combinator).read_value())):
                found = _child(schema / combinator / index, part)
                if found is not None:
                    return found
    if part == "*":
        return schema / "items" if "items" in schema else None
    if "properties" in schema and part in (schema / "properties"):
        return schema / "properties" / part
    if "additionalProperties" in schema and isinstance((schema / "additionalProperties").read_value(), dict):
        return schema / "additionalProperties"
    return None


def _type_of(schema) -> str | None:
    if "type" in schema:
        kind = (schema / "type").read_value()
        return "/".join(sorted(kind)) if isinstance(kind, list) else str(kind)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            kinds = {_type_of(schema / combinator / i) for i in range(len((schema / combinator).read_value()))}
            kinds.discard(None)
            return "/".join(sorted(kinds)) or None
    return None


def _required_pointers(schema, pointer: str = "") -> set[str]:
    """The members an object schema requires, and theirs below them (arrays not entered)."""
    if schema is None:
        return set()
    found: set[str] = set()
    required = (schema / "required").read_value() if "required" in schema else []
    for name in required:
        child = f"{pointer}/{name}"
        found.add(child)
        below = _child(schema, name)
        if below is not None and _type_of(below) == "object":
            found |= _required_pointers(below, child)
    for index in range(len((schema / "allOf").read_value()) if "allOf" in schema else 0):
        found |= _required_pointers(schema / "allOf" / index, pointer)
    return found


def _required_parameters(api: OpenAPI, operation: str) -> set[str]:
    """Required query and header parameters, as "query:name" and "header:name" (path ones are always sent)."""
    method, path = operation.split(" ", 1)
    item = api.spec / "paths" / path
    if path not in (api.spec / "paths") or method.lower() not in item:
        return set()
    found = set()
    for holder in (item, item / method.lower()):
        if "parameters" not in holder:
            continue
        for index in range(len((holder / "parameters").read_value())):
            parameter = holder / "parameters" / index
            where = (parameter / "in").read_value()
            required = "required" in parameter and (parameter / "required").read_value()
            if required and where in ("query", "header"):
                found.add(f"{where}:{(parameter / 'name').read_value()}")
    return found


def report(found: list[Break]) -> str:
    """The breaks, grouped by scenario, as the command prints them."""
    if not found:
        return "no recorded scenario relies on anything the new description takes away"
    lines: list[str] = []
    scenarios = sorted({(b.location, b.scenario) for b in found})
    lines.append(f"{len(scenarios)} scenario(s) would break:")
    for location, scenario in scenarios:
        lines.append(f"  {scenario} ({location})")
        lines += [f"    - {b.describe()}" for b in found if (b.location, b.scenario) == (location, scenario)]
    return "\n".join(lines)
