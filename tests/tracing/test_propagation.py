"""Every request the test sends carries the scenario's trace: W3C traceparent, step and request spans."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from handoff.http.client import HttpClient
from handoff.tracing.collector import missing_parts
from handoff.tracing.propagation import TRACEPARENT, parse_traceparent
from handoff.tracing.spans import Span
from handoff.tracing.tracing import RunTracing


@pytest.fixture
def echo():
    """A service that remembers the traceparent of every request."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("traceparent", ""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def traced_client():
    tracing = RunTracing(wait=0.2).open()
    client = HttpClient(timeout=5, connect_timeout=2)
    client.header_providers.append(tracing.request_headers)
    client.listeners.append(tracing.on_exchange)
    yield client, tracing
    client.close()
    tracing.close()


def test_a_service_sees_the_scenario_trace_and_a_request_span_under_the_step(echo, traced_client):
    url, seen = echo
    client, tracing = traced_client
    trace = tracing.begin_scenario("Checkout", "run-0001-checkout")
    tracing.begin_step("When I pay")
    client.request("shop", "GET", url + "/pay")
    client.request("shop", "GET", url + "/pay-again")
    tracing.begin_step("Then it is paid")
    client.request("shop", "GET", url + "/check")
    _, spans = tracing.end_scenario()

    assert all(TRACEPARENT.match(header) for header in seen), seen
    parsed = [parse_traceparent(header) for header in seen]
    assert {trace_id for trace_id, _ in parsed} == {trace.trace_id}
    requests = {span.span_id: span for span in trace.requests}
    assert [parent for _, parent in parsed] == [span.span_id for span in trace.requests]  # each its own span
    first, second = trace.steps
    assert [requests[parent].parent_id for _, parent in parsed] == [first.span_id, first.span_id, second.span_id]
    assert all(step.parent_id == trace.root.span_id for step in trace.steps)
    assert [s.name for s in trace.requests] == ["GET /pay", "GET /pay-again", "GET /check"]
    assert trace.root.attributes["handoff.correlation_id"] == "run-0001-checkout"
    assert {s.span_id for s in spans} >= {trace.root.span_id, first.span_id, *requests}


def test_every_scenario_has_a_trace_of_its_own_and_outside_one_nothing_is_sent(echo, traced_client):
    url, seen = echo
    client, tracing = traced_client
    client.request("shop", "GET", url + "/before")
    ids = []
    for name in ("one", "two"):
        ids.append(tracing.begin_scenario(name).trace_id)
        tracing.begin_step("When I look")
        client.request("shop", "GET", url + "/" + name)
        tracing.end_scenario()
    assert seen[0] == "" and len(set(ids)) == 2
    assert [parse_traceparent(h)[0] for h in seen[1:]] == ids


def test_a_callers_own_traceparent_wins(echo, traced_client):
    url, seen = echo
    client, tracing = traced_client
    tracing.begin_scenario("mine")
    own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    client.request("shop", "GET", url, headers={"traceparent": own})
    assert seen == [own]


def test_the_trace_is_incomplete_while_a_span_of_an_exporting_service_is_missing(traced_client):
    _, tracing = traced_client
    trace = tracing.begin_scenario("wait")
    tracing.begin_step("When I pay")
    request_id = parse_traceparent(trace.request_headers()["traceparent"])[1]
    trace.record_request(request_id, "orders", "POST", "http://x/checkout", 0.0, 5.0, 201)
    server = Span(trace.trace_id, "a" * 16, request_id, "POST /checkout", "orders", "SERVER")
    call = Span(trace.trace_id, "b" * 16, "c" * 16, "POST /charges", "gateway", "SERVER")
    assert missing_parts(trace, [], exporting=set()) == []  # nobody exports: nothing to wait for
    assert missing_parts(trace, [], exporting={"orders"}) == ["the span of orders for POST /checkout"]
    assert missing_parts(trace, [server], exporting={"orders"}) == []
    assert missing_parts(trace, [server, call], exporting={"orders"}) == [f"parent {'c' * 16} of gateway POST /charges"]
    # settle() returns at once when complete, and gives up after its bound when not
    tracing.store.add([server])
    tracing.store.services_seen.add("orders")
    spans, waited = tracing.store.settle(trace, 5.0)
    assert spans == [server] and waited < 1
    tracing.store.add([call])
    _, waited = tracing.store.settle(trace, 0.2)
    assert 0.2 <= waited < 1.5


def test_a_services_call_with_nothing_under_it_is_waited_for_only_until_the_trace_goes_quiet(traced_client):
    from handoff.tracing.collector import QUIET_S

    _, tracing = traced_client
    trace = tracing.begin_scenario("third party")
    call = Span(trace.trace_id, "d" * 16, trace.root.span_id, "POST", "orders", "CLIENT")
    call.attributes.update({"http.request.method": "POST", "http.response.status_code": 200})
    tracing.store.add([call])  # orders called a third party that exports nothing
    _, waited = tracing.store.settle(trace, 5.0)
    assert QUIET_S * 0.5 <= waited < 1.5
