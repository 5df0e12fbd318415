"""The waterfall's shape: what hangs under what, where the error started, who called whom."""

from __future__ import annotations

from handoff.tracing.propagation import ScenarioTrace, parse_traceparent
from handoff.tracing.spans import Span
from handoff.tracing.waterfall import build_tree, calls_between, error_origin, render


def _scenario():
    trace = ScenarioTrace("Paying", "run-0001-paying")
    trace.begin_step("When I pay")
    request = parse_traceparent(trace.request_headers()["traceparent"])[1]
    trace.record_request(request, "orders", "POST", "http://127.0.0.1:1/checkout", trace.root.start, 30, 502)
    trace.begin_step("Then it is paid")
    trace.end_step(failed=True, error="expected PAID")
    trace.end(failed=True, failure="Then it is paid")
    start = trace.root.start
    orders = Span(trace.trace_id, "1" * 16, request, "POST /checkout", "orders", "SERVER", start, start + 0.025, True)
    orders.attributes["http.response.status_code"] = 502
    call = Span(trace.trace_id, "2" * 16, orders.span_id, "POST", "orders", "CLIENT", start + 0.001, start + 0.02, True)
    gateway = Span(trace.trace_id, "3" * 16, call.span_id, "POST /charges", "gateway", "SERVER", start + 0.002,
                   start + 0.019, True, "card processor down")  # fmt: skip
    query = Span(trace.trace_id, "4" * 16, gateway.span_id, "INSERT", "gateway", "CLIENT", start + 0.003, start + 0.01)
    query.attributes["db.system"] = "sqlite"
    later = trace.steps[1].start
    orphan = Span(trace.trace_id, "5" * 16, "9" * 16, "GET /orders/1", "orders", "SERVER", later + 1e-4, later + 2e-4)
    return trace, [*trace.test_spans(), orders, call, gateway, query, orphan]


def test_spans_hang_under_what_caused_them_and_an_orphan_under_its_step():
    trace, spans = _scenario()
    root, steps = build_tree(trace, spans)
    assert [node.span.name for node in root.children] == ["When I pay", "Then it is paid"]
    request = steps[0].children[0]
    assert request.span.from_test and [c.span.name for c in request.children] == ["POST /checkout"]
    assert request.children[0].children[0].children[0].span.name == "POST /charges"
    assert [c.span.name for c in steps[1].children] == ["GET /orders/1"]  # its parent never came


def test_the_error_started_in_the_deepest_failed_span_and_calls_are_counted():
    _, spans = _scenario()
    assert error_origin(spans).name == "POST /charges"
    calls = {(a, b): (n, errors) for a, b, n, errors, _ in calls_between(spans)}
    assert calls[("test", "orders")] == (1, 1) and calls[("orders", "gateway")] == (1, 1)
    assert calls[("gateway", "sqlite database")] == (1, 0)


def test_the_page_is_self_contained_and_marks_the_origin():
    trace, spans = _scenario()
    page = render(trace, spans, failed=True, failure="Then it is paid\n  expected PAID")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert 'id="origin"' in page and "card processor down" in page
    assert page.count('<details class="row step') == 2
