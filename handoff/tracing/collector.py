"""The spans of the run's scenarios, kept by trace id, and the wait for late ones.

Services export in batches (a BatchSpanProcessor sends every few milliseconds), so a
scenario's last spans may arrive after its last step. :meth:`SpanStore.settle` waits,
at most ``[tracing] wait`` seconds, only while the trace is visibly incomplete: a span
names a parent that has not arrived, or a request the test sent to a service that
exports spans has no span of that service under it yet. A complete trace costs no wait.
A service's own HTTP call with nothing under it (the callee's batch not here yet, or a
callee that exports nothing: a third party, a proxy in between) is waited for only
until no span of the trace has arrived for ``QUIET_S``.

Spans of traces that no scenario started (start-up health checks, a service's own
timers) are dropped; their service names are kept, to know who exports at all.
"""

from __future__ import annotations

import threading
import time

from handoff.tracing.propagation import ScenarioTrace
from handoff.tracing.spans import Span

QUIET_S = 0.25  # longer than a busy callee takes to send its batch (OTEL_BSP_SCHEDULE_DELAY=25 ms)


class SpanStore:
    """Spans received for the traces being watched; thread-safe (the receiver adds from its threads)."""

    def __init__(self) -> None:
        self._spans: dict[str, list[Span]] = {}
        self._last_arrival: dict[str, float] = {}  # trace id -> time.monotonic() of its latest span
        self._arrived = threading.Condition()
        self.services_seen: set[str] = set()
        self.received = 0  # spans, all traces
        self.kept = 0

    def watch(self, trace_id: str) -> None:
        with self._arrived:
            self._spans.setdefault(trace_id, [])

    def forget(self, trace_id: str) -> list[Span]:
        with self._arrived:
            self._last_arrival.pop(trace_id, None)
            return self._spans.pop(trace_id, [])

    def add(self, spans: list[Span]) -> None:
        with self._arrived:
            for span in spans:
                self.received += 1
                self.services_seen.add(span.service)
                kept = self._spans.get(span.trace_id)
                if kept is not None:
                    kept.append(span)
                    self.kept += 1
                    self._last_arrival[span.trace_id] = time.monotonic()
            self._arrived.notify_all()

    def spans(self, trace_id: str) -> list[Span]:
        with self._arrived:
            return list(self._spans.get(trace_id, []))

    def settle(self, trace: ScenarioTrace, bound: float) -> tuple[list[Span], float]:
        """The trace's spans once it looks complete, or when ``bound`` seconds have passed; and the wait."""
        started = time.monotonic()
        deadline = started + bound
        with self._arrived:
            while True:
                received = list(self._spans.get(trace.trace_id, []))
                now = time.monotonic()
                remaining = deadline - now
                if remaining <= 0 or not missing_parts(trace, received, self.services_seen):
                    quiet = now - self._last_arrival.get(trace.trace_id, started)
                    unanswered = calls_without_answer(received)
                    if remaining <= 0 or not unanswered or quiet >= QUIET_S:
                        return received, now - started
                self._arrived.wait(min(remaining, 0.02))


def missing_parts(trace: ScenarioTrace, received: list[Span], exporting: set[str]) -> list[str]:
    """What the trace still lacks: parents named but not received, requests without their server span."""
    known = trace.known_ids() | {span.span_id for span in received}
    missing = [
        f"parent {span.parent_id} of {span.service} {span.name}"
        for span in received
        if span.parent_id not in known and span.parent_id
    ]
    children = {span.parent_id for span in received}
    for request in trace.test_spans():
        if request.kind != "CLIENT" or request.http_status is None:
            continue  # not a request, or one that never reached a service
        if request.attributes.get("peer.service") in exporting and request.span_id not in children:
            missing.append(f"the span of {request.attributes['peer.service']} for {request.name}")
    return missing


def calls_without_answer(received: list[Span]) -> list[Span]:
    """Services' HTTP calls (CLIENT spans) under which no span has arrived."""
    parents = {span.parent_id for span in received}
    return [
        span
        for span in received
        if span.kind == "CLIENT" and span.http_method and span.span_id not in parents and span.http_status is not None
    ]
