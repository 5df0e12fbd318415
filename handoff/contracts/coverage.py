"""API coverage: which operations, and which of their declared responses, a run exercised.

Per service, every operation of its description ("GET /orders/{id}") with each status it
declares ("200", "404", "4XX", "default"), and how often the run saw each; plus what
came that the description does not declare. Written to ``reports/api-coverage.json``::

    {"services": {"orders": {"operations": {"GET /orders/{id}": {"200": 3, "404": 0}}, ...,
                             "undeclared": {"DELETE /orders/7 -> 405": 1}, "violations": 2}}}

and summed up in one console line per service::

    orders: 9 of 12 operations, 14 of 23 responses exercised; 0 violations

Parallel workers each write their own file; :func:`merge` adds them up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_NAME = "api-coverage.json"


@dataclass
class ServiceCoverage:
    operations: dict[str, dict[str, int]]  # operation -> declared status -> times seen
    undeclared: dict[str, int] = field(default_factory=dict)  # "METHOD path -> status" -> times seen
    violations: int = 0

    @classmethod
    def of(cls, declared: Mapping[str, Iterable[str]]) -> ServiceCoverage:
        return cls({operation: dict.fromkeys(statuses, 0) for operation, statuses in declared.items()})

    def record(self, operation: str | None, status: str, label: str) -> None:
        if operation is not None and status in self.operations.get(operation, {}):
            self.operations[operation][status] += 1
        else:
            self.undeclared[label] = self.undeclared.get(label, 0) + 1

    def summary(self, service: str) -> str:
        operations = sum(1 for statuses in self.operations.values() if any(statuses.values()))
        responses = sum(1 for statuses in self.operations.values() for seen in statuses.values() if seen)
        declared = sum(len(statuses) for statuses in self.operations.values())
        return (
            f"{service}: {operations} of {len(self.operations)} operations, {responses} of {declared} responses "
            f"exercised; {self.violations} violation{'' if self.violations == 1 else 's'}"
        )

    def as_json(self) -> dict[str, Any]:
        return {"operations": self.operations, "undeclared": self.undeclared, "violations": self.violations}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServiceCoverage:
        return cls(
            {op: dict(statuses) for op, statuses in data["operations"].items()},
            dict(data.get("undeclared", {})),
            int(data.get("violations", 0)),
        )


def write(path: Path, coverage: Mapping[str, ServiceCoverage]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"services": {name: item.as_json() for name, item in sorted(coverage.items())}}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read(path: Path) -> dict[str, ServiceCoverage]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: ServiceCoverage.from_json(item) for name, item in data.get("services", {}).items()}


def merge(parts: Iterable[Mapping[str, ServiceCoverage]]) -> dict[str, ServiceCoverage]:
    """The coverage of several runs of the same descriptions (parallel workers, shards)."""
    merged: dict[str, ServiceCoverage] = {}
    for part in parts:
        for name, item in part.items():
            into = merged.setdefault(name, ServiceCoverage({}))
            for operation, statuses in item.operations.items():
                for status, seen in statuses.items():
                    into.operations.setdefault(operation, {}).setdefault(status, 0)
                    into.operations[operation][status] += seen
            for label, seen in item.undeclared.items():
                into.undeclared[label] = into.undeclared.get(label, 0) + seen
            into.violations += item.violations
    return merged
