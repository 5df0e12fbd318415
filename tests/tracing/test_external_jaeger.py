"""An external environment's traces come from its Jaeger: a running service (not started by
the run) and a stand-in for Jaeger's query API that answers in Jaeger's real JSON format,
the spans the service reported for the traceparent it received, available only a moment
after the request, as a real backend indexes them."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.suite.behave_run import run_behave
from tests.tracing.conftest import HERE, trace_page

INDEXING_DELAY_S = 0.3


def _jaeger_answer(trace_id: str, parent: str, started_us: int) -> dict:
    def span(span_id, name, parent_id, start, duration, tags):
        return {
            "traceID": trace_id,
            "spanID": span_id,
            "operationName": name,
            "references": [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": parent_id}],
            "startTime": start,
            "duration": duration,
            "tags": [{"key": k, "type": "string", "value": v} for k, v in tags.items()],
            "logs": [],
            "processID": "p1",
        }

    return {
        "data": [
            {
                "traceID": trace_id,
                "spans": [
                    span(
                        "a1b2c3d4e5f60718",
                        "GET /balance",
                        parent,
                        started_us,
                        3_000,
                        {
                            "span.kind": "server",
                            "http.request.method": "GET",
                            "url.path": "/balance",
                            "http.response.status_code": "200",
                        },
                    ),
                    span(
                        "b1b2c3d4e5f60718",
                        "SELECT balance",
                        "a1b2c3d4e5f60718",
                        started_us + 500,
                        1_000,
                        {"db.system": "postgresql", "db.statement": "SELECT amount FROM balances WHERE id = $1"},
                    ),
                ],
                "processes": {"p1": {"serviceName": "ledger", "tags": []}},
            }
        ],
        "total": 0,
        "limit": 0,
        "offset": 0,
        "errors": None,
    }


@pytest.fixture
def ledger_and_jaeger():
    """The ledger (/health, /balance) and Jaeger's query API (/api/traces/{id}) on one stand-in."""
    indexed: dict[str, tuple[float, dict]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/balance":
                trace_id, parent = self.headers["traceparent"].split("-")[1:3]
                indexed[trace_id] = (
                    time.monotonic() + INDEXING_DELAY_S,
                    _jaeger_answer(trace_id, parent, int(time.time() * 1e6)),
                )
                return self._send(200, {"amount_cents": 1200})
            if self.path == "/health":
                return self._send(200, {"status": "ok"})
            trace_id = self.path.removeprefix("/api/traces/")
            ready, answer = indexed.get(trace_id, (0, None))
            if answer is None or time.monotonic() < ready:
                return self._send(404, {"data": None, "errors": [{"code": 404, "msg": "trace not found"}]})
            return self._send(200, answer)

        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_scenario_checks_and_draws_the_spans_jaeger_has_for_its_trace(ledger_and_jaeger, tmp_path):
    result = run_behave(
        tmp_path,
        str(HERE / "features" / "ledger.feature"),
        "-D",
        "env=jaeger",
        env={
            "HANDOFF_CONFIG_DIR": str(HERE / "config"),
            "LEDGER_URL": ledger_and_jaeger,
            "JAEGER_URL": ledger_and_jaeger,
        },
    )
    assert result.exit_code == 0, result.output[-4000:]
    page, _ = trace_page(result.allure_results, "The balance is read, and the ledger's database answered it")
    assert re.search(r'>ledger</span><span class="op" [^>]*>GET /balance</span>', page)
    assert "SELECT amount FROM balances WHERE id = $1" in page
    assert re.search(r"handoff: traces: 1 scenario trace\(s\), 2 service span\(s\) kept from jaeger at", result.output)
