"""``handoff contracts diff OLD NEW``: the scenarios a new version of an API description would break."""

from __future__ import annotations

import sys
from pathlib import Path

from handoff.contracts import recording
from handoff.contracts.descriptions import DescriptionError, operations, read_description
from handoff.contracts.drift import breaks, report

EXIT_NOTHING_BREAKS = 0
EXIT_BREAKS = 1
EXIT_BAD_INPUT = 2


def diff(old_source: str, new_source: str, service: str | None, exchanges_path: Path) -> int:
    try:
        old, new = read_description(old_source), read_description(new_source)
    except DescriptionError as error:
        print(f"handoff contracts diff: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    exchanges = recording.read(exchanges_path)
    if not exchanges:
        print(
            f"handoff contracts diff: no recorded exchanges in {exchanges_path}: run the suite first, with "
            "services.<name>.openapi set for the service (each run records what its scenarios send and read)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    service = service or _the_service(old_source, operations(old), exchanges)
    if service is None:
        return EXIT_BAD_INPUT
    found = breaks(old, new, service, exchanges)
    seen = sum(1 for exchange in exchanges if exchange.get("service") == service)
    print(f"{service}: {seen} recorded exchange(s) of the last run held against {new_source}")
    print(report(found))
    return EXIT_BREAKS if found else EXIT_NOTHING_BREAKS


def _the_service(source: str, described: dict, exchanges: list[dict]) -> str | None:
    """The one recorded service whose operations the old description declares."""
    candidates = sorted({e["service"] for e in exchanges if e.get("operation") in described})
    if len(candidates) == 1:
        return candidates[0]
    recorded = sorted({e["service"] for e in exchanges})
    why = "several" if candidates else "none"
    print(
        f"handoff contracts diff: {why} of the recorded services ({', '.join(recorded)}) match the operations of "
        f"{source}: name one with --service",
        file=sys.stderr,
    )
    return None
