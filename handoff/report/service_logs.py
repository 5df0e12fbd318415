"""The services' own log files, read a scenario at a time.

Services started by the run write to ``<reports>/service-logs/<service>.log``. A
:class:`ServiceLogs` remembers how far each file had grown when a scenario began and
reads only what was written since, so a long run never reads a file twice.

When services send OpenTelemetry spans, the timeline takes their requests from the trace
(handoff/tracing) and reads no log line. Without spans it falls back to request lines in
the sample shop's convention (shop/README.md)::

    <UTC time> service=<name> level=INFO method=<M> path=<path> status=<code> duration_ms=<ms> correlation_id=<id>

Other lines (start-up, errors, tracebacks) are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT[\d:.]+Z) service=(?P<service>\S+) level=(?P<level>\S+) (?P<message>.*)$"
)
_REQUEST = re.compile(
    r"method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d+) "
    r"duration_ms=(?P<duration>[\d.]+) correlation_id=(?P<cid>\S+)"
)


@dataclass(frozen=True)
class RequestLine:
    """One request a service handled, from its log line."""

    service: str
    method: str
    path: str
    status: int
    duration_ms: float
    correlation_id: str
    finished_at: float  # epoch seconds, when the service logged it

    @property
    def started_at(self) -> float:
        return self.finished_at - self.duration_ms / 1000


def parse_request_line(line: str) -> RequestLine | None:
    """The request a log line describes, or None for any other line."""
    head = _LINE.match(line)
    if head is None:
        return None
    request = _REQUEST.search(head["message"])
    if request is None:
        return None
    try:
        finished = datetime.fromisoformat(head["time"].replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return RequestLine(
        service=head["service"],
        method=request["method"],
        path=request["path"],
        status=int(request["status"]),
        duration_ms=float(request["duration"]),
        correlation_id=request["cid"],
        finished_at=finished,
    )


class ServiceLogs:
    """Incremental reader of every ``*.log`` file in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def mark(self) -> dict[Path, int]:
        """How long each log file is now."""
        if not self.folder.is_dir():
            return {}
        return {path: path.stat().st_size for path in sorted(self.folder.glob("*.log"))}

    def lines_since(self, marks: dict[Path, int]) -> dict[str, list[str]]:
        """Complete lines written since ``marks``, per service (the file's stem)."""
        written: dict[str, list[str]] = {}
        for path, size in self.mark().items():
            start = marks.get(path, 0)
            if size < start:  # the file was replaced (a restarted service): read it all
                start = 0
            if size == start:
                continue
            with path.open("rb") as log:
                log.seek(start)
                chunk = log.read(size - start)
            complete = chunk[: chunk.rfind(b"\n") + 1]
            text = complete.decode("utf-8", errors="replace")
            if text:
                written[path.stem] = text.splitlines()
        return written
