"""The run's tracing: one object the run, the hooks and the steps talk to.

:class:`RunTracing` starts the OTLP receiver (or a Jaeger/Tempo query client for an
environment with a backend of its own), says which ``OTEL_*`` variables a started
service gets, gives each scenario its :class:`ScenarioTrace`, adds the trace headers to
every request (``HttpClient.header_providers``), records each request's CLIENT span
(an exchange listener), and hands out a scenario's spans, the test's and the services',
once the late ones have arrived.

Configuration, ``[tracing]``: ``enabled`` (default true), ``wait`` (seconds to wait for
late spans, default 1.0), ``port`` (the receiver's, default 0: a free one), ``query_url``
and ``query`` (``jaeger`` or ``tempo``) for an external environment.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from handoff.tracing.collector import SpanStore
from handoff.tracing.propagation import ScenarioTrace, parse_traceparent
from handoff.tracing.spans import Span

# Exported promptly: a short batch delay keeps the wait at a scenario's end short.
SCHEDULE_DELAY_MS = "25"


class RunTracing:
    def __init__(self, wait: float = 1.0, port: int = 0, query_url: str = "", query: str = "jaeger") -> None:
        self.wait = wait
        self.port = port
        self.store = SpanStore()
        self.receiver: Any = None  # a handoff.tracing.receiver.OtlpReceiver
        self.query: Any = None  # a handoff.tracing.query.TraceQuery
        self.query_url, self.query_backend = query_url, query
        self.current: ScenarioTrace | None = None
        self.waited_s = 0.0  # all scenarios' waits for late spans, for the bench
        self.scenarios = 0
        self.fetched: dict[str, int] = {}  # trace id -> spans fetched from the query API (its latest answer)
        self._settled: list[Span] | None = None

    @classmethod
    def from_settings(cls, settings) -> RunTracing | None:
        if not settings.get("tracing.enabled"):
            return None
        return cls(
            wait=float(settings.get("tracing.wait")),
            port=int(settings.get("tracing.port")),
            query_url=str(settings.get("tracing.query_url") or ""),
            query=str(settings.get("tracing.query") or "jaeger"),
        )

    def open(self) -> RunTracing:
        if self.query_url:
            from handoff.tracing.query import TraceQuery

            self.query = TraceQuery(self.query_url, self.query_backend)
        else:
            from handoff.tracing.receiver import OtlpReceiver

            self.receiver = OtlpReceiver(self.store.add, self.port).start()
        return self

    def close(self) -> None:
        if self.receiver is not None:
            self.receiver.close()
            self.receiver = None
        if self.query is not None:
            self.query.close()
            self.query = None

    def service_environment(self, service: str, run_id: str = "") -> dict[str, str]:
        """The standard OpenTelemetry variables for a service the run starts (its own env may override them)."""
        if self.receiver is None:
            return {}
        environment = {
            "OTEL_SERVICE_NAME": service,
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.receiver.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_PROPAGATORS": "tracecontext,baggage",
            "OTEL_TRACES_SAMPLER": "parentbased_always_on",
            "OTEL_BSP_SCHEDULE_DELAY": SCHEDULE_DELAY_MS,
        }
        if run_id:
            environment["OTEL_RESOURCE_ATTRIBUTES"] = f"handoff.run_id={run_id}"
        return environment

    def summary(self) -> str:
        """One line for the console: what was collected, and what waiting for late spans cost."""
        per_scenario = self.waited_s * 1000 / self.scenarios if self.scenarios else 0.0
        if self.query is not None:
            kept = f"{sum(self.fetched.values())} service span(s) kept from {self.query_backend} at {self.query_url}"
        else:
            kept = f"{self.store.kept} service span(s) kept over OTLP ({self.store.received} received)"
        return f"{self.scenarios} scenario trace(s), {kept}, {per_scenario:.1f} ms per scenario waiting for late spans"

    # -- a scenario

    def begin_scenario(self, name: str, correlation_id: str = "") -> ScenarioTrace:
        self.current = ScenarioTrace(name, correlation_id)
        self.scenarios += 1
        self._settled = None
        self.store.watch(self.current.trace_id)
        return self.current

    def begin_step(self, name: str) -> None:
        if self.current is not None:
            self.current.begin_step(name)
            self._settled = None

    def end_step(self, failed: bool = False, error: str = "") -> None:
        if self.current is not None:
            self.current.end_step(failed, error)

    def request_headers(self) -> Mapping[str, str]:
        """``traceparent`` for a request of the current step (nothing outside a scenario)."""
        return self.current.request_headers() if self.current is not None else {}

    def on_exchange(self, exchange) -> None:
        """Record the request's CLIENT span under the step that sent it."""
        trace = self.current
        header = next((v for k, v in exchange.request_headers.items() if k.lower() == "traceparent"), "")
        parsed = parse_traceparent(header) if header else None
        if trace is None or parsed is None or parsed[0] != trace.trace_id:
            return
        trace.record_request(
            parsed[1], exchange.service, exchange.method, exchange.url, exchange.started_at,
            exchange.elapsed_ms, exchange.status, exchange.error,
        )  # fmt: skip
        self._settled = None

    def service_spans(self) -> list[Span]:
        """The services' spans of the current scenario, once the late ones have arrived (or the wait ran out)."""
        trace = self.current
        if trace is None:
            return []
        if self._settled is None:
            started = time.monotonic()
            if self.query is not None:
                self._settled = self.query.fetch_settled(trace.trace_id, self.wait)
                self.fetched[trace.trace_id] = len(self._settled)
            else:
                self._settled, _ = self.store.settle(trace, self.wait)
            self.waited_s += time.monotonic() - started
        return list(self._settled)

    def end_scenario(self, failed: bool = False, failure: str = "") -> tuple[ScenarioTrace, list[Span]] | None:
        """The scenario's trace and every span of it (the test's first); the store forgets it."""
        trace = self.current
        if trace is None:
            return None
        trace.end(failed, failure)
        spans = [*trace.test_spans(), *self.service_spans()]
        self.store.forget(trace.trace_id)
        self.current = None
        self._settled = None
        return trace, spans
