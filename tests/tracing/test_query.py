"""An external environment's traces, fetched from Jaeger or Tempo: against small stand-ins that
answer with the real APIs' formats (Jaeger's /api/traces/{id} JSON, Tempo's protobuf)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from handoff.tracing.query import TraceQuery, TraceQueryError
from handoff.tracing.tracing import RunTracing

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def jaeger_trace(trace_id: str, parent: str) -> dict:
    """Jaeger query's answer, as its HTTP API (/api/traces/{id}) writes it; times in microseconds."""
    return {
        "data": [
            {
                "traceID": trace_id,
                "spans": [
                    {
                        "traceID": trace_id,
                        "spanID": "a1b2c3d4e5f60718",
                        "flags": 1,
                        "operationName": "POST /checkout",
                        "references": [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": parent}],
                        "startTime": 1_700_000_000_000_000,
                        "duration": 42_000,
                        "tags": [
                            {"key": "span.kind", "type": "string", "value": "server"},
                            {"key": "http.request.method", "type": "string", "value": "POST"},
                            {"key": "url.path", "type": "string", "value": "/checkout"},
                            {"key": "http.response.status_code", "type": "int64", "value": 502},
                            {"key": "error", "type": "bool", "value": True},
                        ],
                        "logs": [
                            {
                                "timestamp": 1_700_000_000_040_000,
                                "fields": [
                                    {"key": "event", "type": "string", "value": "exception"},
                                    {"key": "exception.type", "type": "string", "value": "GatewayDown"},
                                    {"key": "exception.message", "type": "string", "value": "no answer"},
                                ],
                            }
                        ],
                        "processID": "p1",
                        "warnings": None,
                    },
                    {
                        "traceID": trace_id,
                        "spanID": "f60718a1b2c3d4e",  # Jaeger drops leading zeros
                        "operationName": "SELECT orders",
                        "references": [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": "a1b2c3d4e5f60718"}],
                        "startTime": 1_700_000_000_001_000,
                        "duration": 1_500,
                        "tags": [{"key": "db.system", "type": "string", "value": "postgresql"}],
                        "processID": "p1",
                    },
                ],
                "processes": {"p1": {"serviceName": "orders", "tags": []}},
                "warnings": None,
            }
        ],
        "total": 0,
        "limit": 0,
        "offset": 0,
        "errors": None,
    }


@pytest.fixture
def backend():
    """A stand-in for Jaeger's or Tempo's query API; ``traces`` holds what it knows."""
    traces: dict[str, bytes] = {}
    asked: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append((self.path, self.headers.get("Accept", "")))
            trace_id = self.path.rsplit("/", 1)[-1]
            if not self.path.startswith("/api/traces/") or trace_id not in traces:
                body, status = b'{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}', 404
            else:
                body, status = traces[trace_id], 200
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", traces, asked
    server.shutdown()
    server.server_close()


def test_jaeger_spans_come_with_parents_services_kinds_times_and_errors(backend):
    url, traces, asked = backend
    traces[TRACE] = json.dumps(jaeger_trace(TRACE, "1111111111111111")).encode()
    spans = {s.name: s for s in TraceQuery(url, "jaeger").fetch(TRACE)}
    checkout, query = spans["POST /checkout"], spans["SELECT orders"]
    assert (checkout.service, checkout.kind, checkout.parent_id) == ("orders", "SERVER", "1111111111111111")
    assert checkout.duration_ms == pytest.approx(42, abs=0.01) and checkout.http_status == 502 and checkout.error
    assert checkout.error_summary() == "GatewayDown: no answer"
    assert query.span_id == "0f60718a1b2c3d4e" and query.parent_id == checkout.span_id and query.is_database
    assert asked == [(f"/api/traces/{TRACE}", "application/json")]


def test_an_unknown_trace_is_empty_and_an_unreachable_backend_says_where(backend):
    url, _, _ = backend
    assert TraceQuery(url, "jaeger").fetch(TRACE) == []
    with pytest.raises(TraceQueryError, match=r"jaeger at http://127.0.0.1:1 is unreachable"):
        TraceQuery("http://127.0.0.1:1", "jaeger", timeout=1).fetch(TRACE)


def test_tempo_answers_otlp_protobuf(backend):
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, Span, TracesData

    url, traces, asked = backend
    data = TracesData()
    resource: ResourceSpans = data.resource_spans.add()
    resource.resource.attributes.add(key="service.name").value.string_value = "payments"
    span: Span = resource.scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.name = bytes.fromhex(TRACE), bytes.fromhex("00f067aa0ba902b7"), "charge"
    span.kind, span.start_time_unix_nano, span.end_time_unix_nano = Span.SPAN_KIND_SERVER, 10**18, 10**18 + 10**7
    traces[TRACE] = data.SerializeToString()
    [found] = TraceQuery(url, "tempo").fetch(TRACE)
    assert (found.service, found.name, found.kind, found.duration_ms) == (
        "payments",
        "charge",
        "SERVER",
        pytest.approx(10, abs=0.01),
    )
    assert asked[-1][1] == "application/protobuf"


def test_a_scenario_of_an_external_environment_gets_its_spans_from_the_backend_at_its_end(backend):
    url, traces, _ = backend
    tracing = RunTracing(wait=1.0, query_url=url, query="jaeger").open()
    try:
        assert tracing.service_environment("orders") == {}  # the run starts no receiver: nothing to export to
        trace = tracing.begin_scenario("External checkout")
        tracing.begin_step("When I check out")
        parent = trace.request_headers()["traceparent"].split("-")[2]
        # late: the backend knows the trace only after the scenario has ended, as one does after indexing
        threading.Timer(
            0.3, lambda: traces.update({trace.trace_id: json.dumps(jaeger_trace(trace.trace_id, parent)).encode()})
        ).start()
        _, spans = tracing.end_scenario(failed=True, failure="Then it is paid")
    finally:
        tracing.close()
    services = [s for s in spans if not s.from_test]
    assert sorted(s.name for s in services) == ["POST /checkout", "SELECT orders"]
    assert next(s for s in services if s.name == "POST /checkout").parent_id == parent


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="jaeger, tempo"):
        TraceQuery("http://127.0.0.1:1", "zipkin")
