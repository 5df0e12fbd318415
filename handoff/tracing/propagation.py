"""The test's own side of a scenario's trace, and the W3C ``traceparent`` it sends.

One :class:`ScenarioTrace` per scenario: a new trace id, a root span for the scenario,
one span per step (a child of the root) and one CLIENT span per request the test sends
(a child of the step that sent it). The request's ``traceparent`` header names the
request span as the parent, so the span a service makes for the request hangs under it.

The format is W3C Trace Context level 1: ``00-<32 hex trace id>-<16 hex parent id>-01``
(https://www.w3.org/TR/trace-context/). It is written here rather than through the
OpenTelemetry SDK: these spans are never exported anywhere, only kept beside the
services' spans, and the SDK's global provider would be set up in every test process
for what four lines do.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Mapping

from handoff.tracing.spans import Span

TEST_SERVICE = "test"  # the service name of the test's own spans in the picture
TRACEPARENT = re.compile(r"^00-(?P<trace>[0-9a-f]{32})-(?P<parent>[0-9a-f]{16})-(?P<flags>[0-9a-f]{2})$")


def new_span_id() -> str:
    return secrets.token_hex(8)


def traceparent(trace_id: str, span_id: str, sampled: bool = True) -> str:
    return f"00-{trace_id}-{span_id}-{'01' if sampled else '00'}"


def parse_traceparent(value: str) -> tuple[str, str] | None:
    """(trace id, parent span id) of a ``traceparent`` header, or None if it is not one."""
    match = TRACEPARENT.match(value.strip().lower())
    return (match["trace"], match["parent"]) if match else None


class ScenarioTrace:
    """One scenario's trace id and the spans the test itself made for it."""

    def __init__(self, scenario: str, correlation_id: str = "") -> None:
        self.trace_id = secrets.token_hex(16)
        self.scenario = scenario
        self.correlation_id = correlation_id
        self.root = Span(
            self.trace_id, new_span_id(), "", f"Scenario: {scenario}", TEST_SERVICE, "INTERNAL", time.time(),
            from_test=True,
        )  # fmt: skip
        if correlation_id:
            self.root.attributes["handoff.correlation_id"] = correlation_id
        self.steps: list[Span] = []
        self.requests: list[Span] = []
        self.issued: dict[str, str] = {}  # request span id -> the step span it was sent from
        self.failed_step: Span | None = None
        self.ended = False
        self._lock = threading.Lock()

    @property
    def current_parent(self) -> Span:
        return self.steps[-1] if self.steps and not self.steps[-1].end else self.root

    def begin_step(self, name: str) -> Span:
        now = time.time()
        self._close_step(now)
        step = Span(
            self.trace_id, new_span_id(), self.root.span_id, name, TEST_SERVICE, "INTERNAL", now, from_test=True
        )
        step.attributes["handoff.step"] = len(self.steps) + 1
        self.steps.append(step)
        return step

    def end_step(self, failed: bool = False, error: str = "") -> None:
        if self.steps and not self.steps[-1].end:
            step = self.steps[-1]
            step.end = time.time()
            if failed:
                step.error = True
                step.status_message = error
                self.failed_step = self.failed_step or step

    def request_headers(self) -> Mapping[str, str]:
        """The headers for one more request of the current step: a fresh span id as its parent."""
        span_id = new_span_id()
        with self._lock:
            self.issued[span_id] = self.current_parent.span_id
        return {"traceparent": traceparent(self.trace_id, span_id)}

    def record_request(
        self, span_id: str, service: str, method: str, url: str, started: float, elapsed_ms: float,
        status: int | None, error: str = "",
    ) -> Span:  # fmt: skip
        """The CLIENT span of a request this trace's headers went out with."""
        parent = self.issued.get(span_id, self.current_parent.span_id)
        span = Span(
            self.trace_id, span_id, parent, f"{method} {_path(url)}", TEST_SERVICE, "CLIENT", started,
            started + elapsed_ms / 1000, error=bool(error) or (status is not None and status >= 500),
            status_message=error, from_test=True,
        )  # fmt: skip
        span.attributes.update({"http.request.method": method, "url.full": url, "peer.service": service})
        if status is not None:
            span.attributes["http.response.status_code"] = status
        with self._lock:
            self.requests.append(span)
        return span

    def end(self, failed: bool = False, failure: str = "") -> None:
        now = time.time()
        self._close_step(now)
        self.root.end = now
        self.root.error = failed
        self.root.status_message = failure
        self.ended = True

    def test_spans(self) -> list[Span]:
        with self._lock:
            return [self.root, *self.steps, *self.requests]

    def known_ids(self) -> set[str]:
        """Ids a service's span may name as its parent: the test's spans and every traceparent sent."""
        with self._lock:
            return {self.root.span_id, *(s.span_id for s in self.steps), *self.issued}

    def _close_step(self, now: float) -> None:
        if self.steps and not self.steps[-1].end:
            self.steps[-1].end = now


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return ("/" + rest.split("/", 1)[1] if "/" in rest else "/").split("?", 1)[0]
