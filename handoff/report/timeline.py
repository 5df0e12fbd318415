"""One scenario's trace: everything it caused across the services, in order.

The framework's own HTTP exchanges, the requests each service logged with the
scenario's correlation id (calls between services and to the payment gateway
included), database queries, emails and broker messages, each with its time from the start of the
scenario, its duration and the step it belongs to. A service's request that happened
inside another request is indented under it, so the calls read as a call tree.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from dataclasses import dataclass, field

from handoff.report.service_logs import RequestLine

NESTING_TOLERANCE_S = 0.0015  # service log times have millisecond precision


@dataclass(frozen=True)
class Event:
    started_at: float  # epoch seconds
    duration_ms: float | None
    kind: str  # HTTP (framework call), SVC (a service's log line), SQL, EMAIL, MSG (a broker message)
    who: str
    what: str

    @property
    def finished_at(self) -> float:
        return self.started_at + (self.duration_ms or 0) / 1000


@dataclass
class Timeline:
    scenario: str
    correlation_id: str
    started_at: float = field(default_factory=time.time)
    events: list[Event] = field(default_factory=list)
    step_starts: list[float] = field(default_factory=list)
    step_names: list[str] = field(default_factory=list)
    failure: str = ""
    trace_id: str = ""  # the scenario's OpenTelemetry trace (handoff/tracing), when there is one

    def begin_step(self, name: str, at: float | None = None) -> None:
        self.step_starts.append(time.time() if at is None else at)
        self.step_names.append(name)

    def add(self, kind: str, who: str, what: str, started_at: float, duration_ms: float | None = None) -> None:
        self.events.append(Event(started_at, duration_ms, kind, who, what))

    def add_service_requests(self, requests: list[RequestLine]) -> None:
        for line in requests:
            if line.correlation_id == self.correlation_id:
                what = f"{line.method} {line.path} -> {line.status}"
                self.add("SVC", line.service, what, line.started_at, line.duration_ms)

    def add_service_spans(self, spans: list) -> None:
        """The requests services handled, from this scenario's trace (handoff/tracing): its SERVER spans.

        The waterfall attachment shows the rest (calls out, queries); here they would drown the calls.
        """
        for span in spans:
            if span.kind == "SERVER":
                status = span.http_status
                what = f"{span.http_method or span.name} {span.http_path} -> {status if status is not None else '?'}"
                self.add("SVC", span.service, what, span.start, span.duration_ms)

    def step_at(self, moment: float) -> int:
        """Index of the step running at ``moment`` (-1: before the first step)."""
        return bisect.bisect_right(self.step_starts, moment) - 1

    def render(self) -> str:
        events = sorted(self.events, key=lambda e: (e.started_at, -(e.duration_ms or 0)))
        lines = [
            f"Timeline of: {self.scenario}",
            f"Correlation id: {self.correlation_id} (X-Correlation-Id; search reports/service-logs/ for it)",
            *([f"Trace id: {self.trace_id} (W3C traceparent; the Trace attachment draws it)"] if self.trace_id else []),
            _summary(events),
            "",
            "Times are milliseconds since the scenario began; [duration]. HTTP = a call the test made,",
            "SVC = a request a service handled, from the trace's spans or its log lines (indented under the call that",
            "caused it), SQL = a query the test ran, EMAIL = an email the test read,",
            "MSG = a broker message the test published or observed.",
        ]
        current_step = -2
        open_calls: list[Event] = []
        for event in events:
            step = self.step_at(event.started_at)
            if step != current_step:
                current_step = step
                open_calls = []
                lines.append("")
                lines.append(self.step_names[step] if step >= 0 else "(before the first step)")
            while open_calls and not _inside(event, open_calls[-1]):
                open_calls.pop()
            depth = len(open_calls)
            offset = (event.started_at - self.started_at) * 1000
            duration = f"[{event.duration_ms:7.1f} ms]" if event.duration_ms is not None else " " * 12
            lines.append(f"  {offset:+9.1f} ms {duration}  {event.kind:<5} {'  ' * depth}{event.who}: {event.what}")
            if event.kind in ("HTTP", "SVC") and event.duration_ms:
                open_calls.append(event)
        if not events:
            lines += ["", "(nothing recorded)"]
        if self.failure:
            lines += ["", f"FAILED at: {self.failure}"]
        return "\n".join(lines) + "\n"


def _inside(event: Event, call: Event) -> bool:
    """Whether ``event`` happened while ``call`` was being handled (so ``call`` caused it)."""
    return event.started_at < call.finished_at and event.finished_at <= call.finished_at + NESTING_TOLERANCE_S


def _summary(events: list[Event]) -> str:
    kinds = Counter(e.kind for e in events)
    services = Counter(e.who for e in events if e.kind == "SVC")
    parts = [
        f"{kinds['HTTP']} call(s) by the test",
        f"{kinds['SVC']} request(s) handled by services"
        + (f" ({', '.join(f'{s} {n}' for s, n in sorted(services.items()))})" if services else ""),
        f"{kinds['SQL']} database quer{'y' if kinds['SQL'] == 1 else 'ies'}",
        f"{kinds['EMAIL']} email(s)",
        *([f"{kinds['MSG']} broker message(s)"] if kinds["MSG"] else []),
    ]
    timed = [e for e in events if e.kind in ("HTTP", "SVC") and e.duration_ms is not None]
    if timed:
        slowest = max(timed, key=lambda e: e.duration_ms or 0)
        parts.append(f"slowest: {slowest.who} {slowest.what} ({slowest.duration_ms:.0f} ms)")
    return "; ".join(parts)
