"""Canned answers: which request gets which response, in a subset of WireMock's mapping format.

One JSON file per mapping (or ``{"mappings": [...]}``), so that teams can reuse WireMock files::

    {"request":  {"method": "POST", "urlPath": "/quotes", "queryParameters": {"region": {"equalTo": "EU"}}},
     "response": {"status": 200, "jsonBody": {"rate": "0.19"}, "headers": {"X-Source": "stub"},
                  "fixedDelayMilliseconds": 50},
     "priority": 1}

``request`` takes ``method`` (or ``ANY``), one of ``url`` (path and query, exact),
``urlPath`` (path, exact) or ``urlPathPattern`` (a regular expression over the whole
path), and ``queryParameters`` with ``equalTo``. ``response`` takes ``status``,
``headers``, ``jsonBody`` or ``body``, ``fixedDelayMilliseconds``. The lowest
``priority`` wins (default 5), then the mapping added last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from handoff.config.errors import ConfigError

REQUEST_KEYS = {"method", "url", "urlPath", "urlPathPattern", "queryParameters"}
RESPONSE_KEYS = {"status", "headers", "jsonBody", "body", "fixedDelayMilliseconds"}
DEFAULT_PRIORITY = 5


@dataclass(frozen=True)
class CannedResponse:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class StubMapping:
    method: str
    path: str = ""  # exact path, or
    path_pattern: str = ""  # a regular expression over the whole path
    url: str = ""  # exact path and query
    query: Mapping[str, str] = field(default_factory=dict)
    response: CannedResponse = field(default_factory=CannedResponse)
    priority: int = DEFAULT_PRIORITY
    source: str = "a step"

    def matches(self, method: str, target: str) -> bool:
        if self.method not in ("ANY", method.upper()):
            return False
        address = urlsplit(target)
        if self.url and target != self.url:
            return False
        if self.path and address.path != self.path:
            return False
        if self.path_pattern and not re.fullmatch(self.path_pattern, address.path):
            return False
        given = {name: values[-1] for name, values in parse_qs(address.query).items()}
        return all(given.get(name) == value for name, value in self.query.items())

    def describe(self) -> str:
        where = self.url or self.path or (f"~{self.path_pattern}" if self.path_pattern else "any path")
        return f"{self.method} {where} -> {self.response.status} ({self.source})"


def mapping_from(data: Any, source: str) -> StubMapping:
    """One mapping from its JSON form; errors name the file and the key."""
    if not isinstance(data, Mapping) or not isinstance(data.get("request"), Mapping):
        raise ConfigError(f'{source}: a mapping needs a request object: {{"request": {{...}}, "response": {{...}}}}')
    request, response = data["request"], data.get("response", {})
    unknown = (
        (set(request) - REQUEST_KEYS)
        | (set(response) - RESPONSE_KEYS)
        | (set(data) - {"request", "response", "priority"})
    )
    if unknown:
        raise ConfigError(
            f"{source}: unknown mapping key(s) {', '.join(sorted(unknown))}; Handoff reads request "
            f"({', '.join(sorted(REQUEST_KEYS))}), response ({', '.join(sorted(RESPONSE_KEYS))}) and priority"
        )
    if "jsonBody" in response and "body" in response:
        raise ConfigError(f"{source}: a response has jsonBody or body, not both")
    headers = {str(k): str(v) for k, v in response.get("headers", {}).items()}
    if "jsonBody" in response:
        body = json.dumps(response["jsonBody"]).encode()
        headers.setdefault("Content-Type", "application/json")
    else:
        body = str(response.get("body", "")).encode()
    query = {}
    for name, rule in request.get("queryParameters", {}).items():
        if not isinstance(rule, Mapping) or set(rule) != {"equalTo"}:
            raise ConfigError(f'{source}: queryParameters.{name} takes {{"equalTo": "..."}} only')
        query[name] = str(rule["equalTo"])
    try:
        status = int(response.get("status", 200))
        delay = float(response.get("fixedDelayMilliseconds", 0)) / 1000
        priority = int(data.get("priority", DEFAULT_PRIORITY))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source}: status, fixedDelayMilliseconds and priority are numbers ({error})") from None
    pattern = str(request.get("urlPathPattern", ""))
    if pattern:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(f"{source}: urlPathPattern {pattern!r} is not a regular expression: {error}") from None
    return StubMapping(
        method=str(request.get("method", "ANY")).upper(),
        path=str(request.get("urlPath", "")),
        path_pattern=pattern,
        url=str(request.get("url", "")),
        query=query,
        response=CannedResponse(status, headers, body, delay),
        priority=priority,
        source=source,
    )


def load_mappings(folder: Path) -> list[StubMapping]:
    """Every mapping in ``folder``'s ``*.json`` files (a file holds one, or ``{"mappings": [...]}``)."""
    if not folder.is_dir():
        raise ConfigError(f"stub mappings folder {folder} does not exist")
    mappings = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"{path}: not a JSON mapping file: {error}") from None
        items = data["mappings"] if isinstance(data, Mapping) and "mappings" in data else [data]
        mappings += [mapping_from(item, str(path)) for item in items]
    return mappings
