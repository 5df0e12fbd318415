"""What each scenario did with each described API, kept for ``handoff contracts diff``.

One JSON line per exchange with a described service, written when its scenario ends,
to ``reports/api-exchanges.jsonl``::

    {"scenario": "Alice pays her order", "location": "features/checkout/pay.feature:12",
     "service": "orders", "operation": "POST /orders", "status": "201",
     "sent": ["/cart_id"], "parameters": ["header:Authorization"], "read": ["/id", "/total"]}

``sent`` is every member of the JSON request body (as JSON pointers, ``*`` for array
elements), ``read`` every member of the response body a check or a save looked at
(handoff/http/reads.py). A new run starts the file again; parallel workers each write
their own, which the parent puts together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:  # not at run time: the parallel runner reads these files without openapi-core
    from handoff.contracts.conformance import Conformance
    from handoff.http.client import Exchange

FILE_NAME = "api-exchanges.jsonl"


def record(exchange: Exchange, found: Conformance, scenario: str, location: str) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "location": location,
        "service": exchange.service,
        "operation": found.operation,
        "status": found.status,
        "sent": sorted(_pointers(_json_or_none(exchange.request_body))),
        "parameters": sorted(_parameters(exchange)),
        "read": sorted(exchange.reads or ()),
    }


def append(path: Path, records: Iterable[dict[str, Any]]) -> None:
    lines = [json.dumps(item, ensure_ascii=False) + "\n" for item in records]
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.writelines(lines)


def read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _pointers(value: Any, pointer: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            found |= {child} | _pointers(item, child)
    elif isinstance(value, list):
        for item in value:
            found |= {f"{pointer}/*"} | _pointers(item, f"{pointer}/*")
    return found


def _parameters(exchange: Exchange) -> set[str]:
    query = {f"query:{name}" for name, _ in parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)}
    return query | {f"header:{name.lower()}" for name in exchange.request_headers}
