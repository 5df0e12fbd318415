"""The sample shop's traces: its services' spans kept per scenario, checked by the trace phrases,
and drawn as the HTML waterfall attached to each scenario (opened in headless Chromium)."""

from __future__ import annotations

import re

from tests.tracing.conftest import browse, trace_page

PAID = "A paid checkout, seen in its trace"
GATEWAY_FAILS = "The gateway fails (fails)"


def test_the_phrases_pass_on_the_paid_checkout_and_fail_where_they_should(shop_trace_run):
    result = shop_trace_run
    assert {s["name"]: s["status"] for s in result.scenarios} == {
        PAID: "passed",
        GATEWAY_FAILS: "failed",
        "Counting charges wrongly (fails)": "failed",
        "Too few queries allowed (fails)": "failed",
        "A call that never happens (fails)": "failed",
    }, result.output[-4000:]


def test_each_failing_phrase_says_what_was_expected_and_what_the_trace_held(shop_trace_run):
    message = shop_trace_run.failure_message
    server_error = message(GATEWAY_FAILS)
    assert "expected no service to answer with a server error (5xx) during this scenario, 2 did:" in server_error
    assert "orders: POST /checkout -> 502" in server_error and "gateway: POST /charges -> 500" in server_error
    charges = message("Counting charges wrongly (fails)")
    assert "expected gateway to receive exactly 2 POST /charges during this scenario, it received 1." in charges
    assert "1 × POST /charges -> 201" in charges
    queries = message("Too few queries allowed (fails)")
    assert re.search(r"expected orders to make at most 1 database queries during this scenario, it made \d+:", queries)
    assert "INSERT INTO orders" in queries
    called = message("A call that never happens (fails)")
    assert "expected catalog to call gateway during this scenario, it did not." in called
    assert "orders -> gateway (1)" in called


def test_the_waterfall_holds_every_service_under_the_step_and_request_that_caused_it(shop_trace_run):
    page, _ = trace_page(shop_trace_run.allure_results, PAID)
    assert "<script" not in page and "http://" not in page.split("<body>", 1)[0]  # self-contained: no CDN
    legend = re.findall(r'<span class="legend"><i [^>]*></i>([\w.-]+) <b>(\d+)</b>', page)
    assert {name for name, _ in legend} == {"auth", "cart", "catalog", "orders", "gateway", "test"}
    rows = re.findall(r'<details class="row ([^"]*)"[^>]*><summary>(.*?)</summary>', page)
    text = [(classes, re.sub(r"<[^>]+>", " ", summary)) for classes, summary in rows]
    checkout = next(i for i, (c, t) in enumerate(text) if "step" in c and "POST request to orders" in t)
    after = [t for _, t in text[checkout + 1 :]]
    assert "POST /checkout → orders" in after[0]  # the test's request, under its step
    assert re.search(r"orders\s+POST /checkout", after[1])  # the orders service's span, under the request
    assert any(re.search(r"gateway\s+POST /charges", t) for t in after)
    assert any("INSERT INTO orders" in t for t in after)  # its database queries
    assert 'class="row span error' not in page  # nothing failed


def test_a_failing_scenario_shows_where_the_error_started(shop_trace_run):
    page, _ = trace_page(shop_trace_run.allure_results, GATEWAY_FAILS)
    assert '<span class="badge bad">FAILED</span>' in page
    where = page.split('<section class="where">', 1)[1].split("</section>", 1)[0]
    assert "no service answered with a server error" in where
    assert re.search(r"The error started in <span [^>]*>gateway</span> <b>POST /charges</b>: HTTP 500", where)
    origin = re.search(r'<details class="row span error origin" id="origin" open><summary>(.*?)</summary>', page)
    assert origin and "error started here" in origin[1] and "gateway" in origin[1]
    assert len(re.findall(r'class="row span error', page)) >= 2  # the gateway's span and orders' above it


def test_the_waterfall_renders_in_headless_chromium(shop_trace_run, chromium, tmp_path):
    _, file = trace_page(shop_trace_run.allure_results, GATEWAY_FAILS)
    dom = browse(chromium, file.as_uri(), tmp_path / "profile")
    assert "Where it failed" in dom and "error started here" in dom and "Who called whom" in dom
    screenshot = tmp_path / "trace.png"
    browse(chromium, file.as_uri(), tmp_path / "profile", screenshot=screenshot)
    assert screenshot.stat().st_size > 20_000  # a drawn page, not a blank one


def test_the_text_timeline_takes_the_services_requests_from_the_spans(shop_trace_run):
    from tests.report.test_timeline import timeline_of

    text = timeline_of(shop_trace_run.allure_results, PAID)
    page, _ = trace_page(shop_trace_run.allure_results, PAID)
    trace_id = re.search(r"trace <b>([0-9a-f]{32})</b>", page)[1]
    assert f"Trace id: {trace_id} (W3C traceparent" in text
    assert re.search(r"SVC     orders: POST /checkout -> 201", text)
    assert re.search(r"SVC       gateway: POST /charges -> 201", text)
