"""Fetching a scenario's trace from Jaeger or Tempo, for an environment whose services
export to a tracing backend of their own (``[tracing] query_url``).

- Jaeger: ``GET <query_url>/api/traces/<trace id>``, its JSON (``data[0].spans`` with
  ``references``, ``tags`` and ``processes``; times in microseconds).
- Tempo: ``GET <query_url>/api/traces/<trace id>`` with ``Accept: application/protobuf``:
  a ``tempopb.Trace``, whose ``batches`` are OTLP ``ResourceSpans`` (the wire format of
  OTLP's ``TracesData``), decoded with the official definitions.

A backend indexes spans a little after they arrive: :meth:`TraceQuery.fetch_settled`
asks again until the span count stops growing, at most ``[tracing] wait`` seconds.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from handoff.tracing.spans import Span, spans_of

BACKENDS = ("jaeger", "tempo")


class TraceQueryError(Exception):
    """The tracing backend could not be asked (unreachable, or an unexpected answer)."""


class TraceQuery:
    """One Jaeger or Tempo query API; every call has a timeout."""

    def __init__(self, url: str, backend: str = "jaeger", timeout: float = 5.0) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"[tracing] query must be one of {', '.join(BACKENDS)}, not {backend!r}")
        self.url = url.rstrip("/")
        self.backend = backend
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False

    def fetch(self, trace_id: str) -> list[Span]:
        """The trace's spans as the backend has them now; [] while it does not know the trace."""
        url = f"{self.url}/api/traces/{trace_id}"
        accept = "application/protobuf" if self.backend == "tempo" else "application/json"
        try:
            answer = self.session.get(url, headers={"Accept": accept}, timeout=self.timeout)
        except requests.RequestException as error:
            raise TraceQueryError(
                f"{self.backend} at {self.url} is unreachable ({type(error).__name__}): GET {url}"
            ) from None
        if answer.status_code == 404:
            return []
        if answer.status_code != 200:
            raise TraceQueryError(
                f"{self.backend} answered GET {url} with HTTP {answer.status_code}: {answer.text[:300]}"
            )
        if self.backend == "tempo":
            return tempo_spans(answer.content)
        return jaeger_spans(answer.json())

    def fetch_settled(self, trace_id: str, bound: float, poll: float = 0.1) -> list[Span]:
        """Ask until two answers in a row hold as many spans (and some), or ``bound`` seconds passed."""
        deadline = time.monotonic() + bound
        last: list[Span] = self.fetch(trace_id)
        while time.monotonic() < deadline:
            time.sleep(poll)
            now = self.fetch(trace_id)
            if now and len(now) == len(last):
                return now
            last = now
        return last

    def close(self) -> None:
        self.session.close()


def tempo_spans(body: bytes) -> list[Span]:
    from opentelemetry.proto.trace.v1.trace_pb2 import TracesData

    data = TracesData()
    data.ParseFromString(body)  # tempopb.Trace: field 1, repeated ResourceSpans, as TracesData
    return spans_of(data.resource_spans)


def jaeger_spans(document: dict[str, Any]) -> list[Span]:
    """Our spans from Jaeger's ``/api/traces/{id}`` JSON."""
    found: list[Span] = []
    for trace in document.get("data") or []:
        processes = trace.get("processes") or {}
        for span in trace.get("spans") or []:
            tags = {tag["key"]: tag.get("value") for tag in span.get("tags") or []}
            parent = next(
                (ref["spanID"] for ref in span.get("references") or [] if ref.get("refType") == "CHILD_OF"), ""
            )
            start = span.get("startTime", 0) / 1e6
            process = processes.get(span.get("processID"), {})
            error = tags.pop("error", False) in (True, "true") or tags.get("otel.status_code") == "ERROR"
            found.append(
                Span(
                    trace_id=_hex(span["traceID"], 32),
                    span_id=_hex(span["spanID"], 16),
                    parent_id=_hex(parent, 16) if parent else "",
                    name=span.get("operationName", ""),
                    service=process.get("serviceName", "unknown_service"),
                    kind=str(tags.pop("span.kind", "internal")).upper(),
                    start=start,
                    end=start + span.get("duration", 0) / 1e6,
                    error=error,
                    status_message=str(tags.get("otel.status_description", "")),
                    attributes=tags,
                    events=[
                        (
                            str(next((f["value"] for f in log.get("fields", []) if f["key"] == "event"), "log")),
                            {f["key"]: f.get("value") for f in log.get("fields", [])},
                        )
                        for log in span.get("logs") or []
                    ],
                )
            )
    return found


def _hex(value: str, width: int) -> str:
    return value.lower().rjust(width, "0")  # Jaeger drops leading zeros of ids
