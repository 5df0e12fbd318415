"""Each service's OpenAPI 3.1 description, as ``GET /openapi.json`` serves it.

A service's description is ``shop/<service>/openapi.json``. What every service shares
(the JSON error body, the correlation id header, the health and upstream-failure
responses) is written once in ``shop/common/openapi.json``, and the services' files
refer to it with ``"$ref": "../common/openapi.json#/components/..."``. Both files are
valid OpenAPI documents on disk; :func:`load_description` turns the pair into one
self-contained document (the shared components copied in, the references made local),
so that a client reading ``/openapi.json`` needs nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHOP_DIR = Path(__file__).resolve().parent.parent
SHARED_FILE = "../common/openapi.json"


def description_path(service: str) -> Path:
    """Where the description of ``service`` lives: next to its app, ``shop/<service>/openapi.json``."""
    return SHOP_DIR / service / "openapi.json"


def load_description(service: str) -> dict[str, Any]:
    """The self-contained description of ``service`` (shared components included)."""
    document = json.loads(description_path(service).read_text(encoding="utf-8"))
    shared = json.loads((SHOP_DIR / "common" / "openapi.json").read_text(encoding="utf-8"))
    components = document.setdefault("components", {})
    for kind, entries in shared.get("components", {}).items():
        own = components.setdefault(kind, {})
        clashes = sorted(set(own) & set(entries))
        if clashes:
            raise ValueError(f"{description_path(service)}: components/{kind} {clashes} are also shared ones")
        own.update(entries)
    return _local_references(document)


def _local_references(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.removeprefix(SHARED_FILE)
            if key == "$ref" and isinstance(value, str)
            else _local_references(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_local_references(item) for item in node]
    return node
