"""The OTLP/HTTP receiver, fed by the real OpenTelemetry exporter and by raw OTLP JSON."""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests

from handoff.tracing.spans import InvalidOtlp, decode_otlp


class _FixedTrace:
    """An id generator whose trace id the test knows before the spans are made (an SDK extension point)."""

    def __init__(self, trace_id: int) -> None:
        from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

        self.trace_id, self.random = trace_id, RandomIdGenerator()

    def generate_trace_id(self) -> int:
        return self.trace_id

    def generate_span_id(self) -> int:
        return self.random.generate_span_id()

    def is_trace_id_random(self) -> bool:
        return False


def _export(
    endpoint: str, compression=None, trace_id: int = 0x5B8EFFF798038103D269B633813FC60C
) -> tuple[str, str, str]:
    """Two spans (a server span and its child) sent by the SDK's OTLPSpanExporter; their ids."""
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import SpanKind, Status, StatusCode

    exporter = OTLPSpanExporter(
        endpoint=endpoint + "/v1/traces", timeout=5, compression=compression or Compression.NoCompression
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "billing"}), id_generator=_FixedTrace(trace_id))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /invoices", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.request.method", "POST")
        server.set_attribute("url.path", "/invoices")
        server.set_attribute("http.response.status_code", 500)
        with tracer.start_as_current_span("SELECT invoices") as query:
            query.set_attribute("db.system", "sqlite")
            query.set_status(Status(StatusCode.ERROR, "disk full"))
    provider.shutdown()
    context = server.get_span_context()
    return f"{context.trace_id:032x}", f"{context.span_id:016x}", f"{query.get_span_context().span_id:016x}"


def _wait_for(store, count: int) -> None:
    deadline = time.monotonic() + 5
    while store.received < count and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_spans_exported_by_the_real_otlp_exporter_are_kept_for_a_watched_trace(receiver, gzipped):
    from opentelemetry.exporter.otlp.proto.http import Compression

    trace_id = "5b8efff798038103d269b633813fc60c"
    receiver.store.watch(trace_id)
    _, server_id, query_id = _export(receiver.endpoint, Compression.Gzip if gzipped else None)
    _wait_for(receiver.store, 2)
    spans = {s.span_id: s for s in receiver.store.spans(trace_id)}
    server, query = spans[server_id], spans[query_id]
    assert (server.service, server.kind, server.parent_id, server.name) == ("billing", "SERVER", "", "POST /invoices")
    assert (server.http_method, server.http_path, server.http_status) == ("POST", "/invoices", 500)
    assert query.parent_id == server_id and query.is_database and query.error
    assert query.error_summary() == "disk full"
    assert server.start <= query.start <= query.end <= server.end and server.duration_ms > 0


def test_spans_of_traces_no_scenario_started_are_dropped_but_their_service_is_noted(receiver):
    _export(receiver.endpoint, trace_id=0x1234)
    _wait_for(receiver.store, 2)
    assert receiver.store.received == 2 and receiver.store.kept == 0 and receiver.requests == 2
    assert receiver.store.spans(f"{0x1234:032x}") == [] and "billing" in receiver.store.services_seen


def _json_body(trace_id: str) -> dict:
    """OTLP/HTTP JSON as the specification writes it: hex ids, lowerCamelCase, enums as numbers."""
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "ledger"}}]},
                "scopeSpans": [
                    {
                        "scope": {"name": "manual"},
                        "spans": [
                            {
                                "traceId": trace_id,
                                "spanId": "00f067aa0ba902b7",
                                "parentSpanId": "1111111111111111",
                                "name": "GET /balance",
                                "kind": 2,
                                "startTimeUnixNano": "1700000000000000000",
                                "endTimeUnixNano": "1700000000250000000",
                                "attributes": [
                                    {"key": "http.request.method", "value": {"stringValue": "GET"}},
                                    {"key": "http.response.status_code", "value": {"intValue": "503"}},
                                    {"key": "retry", "value": {"boolValue": True}},
                                ],
                                "status": {"code": 2, "message": "upstream down"},
                            }
                        ],
                    }
                ],
            }
        ]
    }


def test_raw_otlp_json_with_hex_ids_is_decoded(receiver):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    receiver.store.watch(trace_id)
    answer = requests.post(receiver.traces_url, json=_json_body(trace_id), timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    [span] = receiver.store.spans(trace_id)
    assert (span.span_id, span.parent_id, span.service, span.kind) == (
        "00f067aa0ba902b7",
        "1111111111111111",
        "ledger",
        "SERVER",
    )
    assert (
        span.duration_ms == pytest.approx(250, abs=0.01)
        and span.http_status == 503
        and span.attributes["retry"] is True
    )
    assert span.error and span.status_message == "upstream down"


def test_gzipped_json_is_decoded_too(receiver):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4737"
    receiver.store.watch(trace_id)
    body = gzip.compress(json.dumps(_json_body(trace_id)).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert requests.post(receiver.traces_url, data=body, headers=headers, timeout=5).status_code == 200
    assert len(receiver.store.spans(trace_id)) == 1


def test_the_receiver_refuses_what_is_not_an_otlp_trace_export(receiver):
    post = lambda path, body, kind: requests.post(  # noqa: E731
        receiver.endpoint + path, data=body, headers={"Content-Type": kind}, timeout=5
    )
    assert post("/v1/traces", b"\xff\xff\xff", "application/x-protobuf").status_code == 400
    bad_id = post("/v1/traces", json.dumps(_json_body("not-hex")).encode(), "application/json")
    assert bad_id.status_code == 400 and "not hex" in bad_id.text
    assert post("/v1/traces", b"{}", "text/plain").status_code == 415
    assert post("/v1/metrics", b"", "application/x-protobuf").status_code == 404
    assert receiver.store.received == 0


def test_decoding_names_the_problem():
    with pytest.raises(InvalidOtlp, match="not an OTLP trace export"):
        decode_otlp(b"[1, 2]", "application/json")
