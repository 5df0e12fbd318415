"""Benchmark: what collecting traces costs (README, "Traces"; part of make bench).

    .venv/bin/python bench/tracing.py            # about a minute on 2 cores
    .venv/bin/python bench/tracing.py --quick    # a smoke run

Measures, side by side in one run:

1. the receiver: spans per second it takes over OTLP/HTTP on loopback (one exporter
   connection, batches of 512 spans as the SDK sends them), protobuf and JSON;
2. the test side per scenario, in process: the trace's own spans, a traceparent per
   request, the request spans and the HTML waterfall of a 130-span trace;
3. the sample API suite (features/api, less the feature that uses trace phrases) run
   by behave with tracing on and off, in alternation: time per scenario (behave's own
   "Took", hooks included), start-up (the rest of the process's time: the services start
   and import the OpenTelemetry SDK), and the wait for late spans the run reports.

Prints a table and writes reports/bench-tracing.json. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from handoff.tracing.collector import SpanStore  # noqa: E402
from handoff.tracing.propagation import ScenarioTrace, parse_traceparent  # noqa: E402
from handoff.tracing.receiver import OtlpReceiver  # noqa: E402
from handoff.tracing.spans import Span  # noqa: E402
from handoff.tracing.waterfall import render  # noqa: E402

RESULTS = ROOT / "reports" / "bench-tracing.json"
BATCH = 512  # the SDK's OTEL_BSP_MAX_EXPORT_BATCH_SIZE default


def export_request(trace_id: bytes, spans: int) -> bytes:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    resource = request.resource_spans.add()
    resource.resource.attributes.add(key="service.name").value.string_value = "orders"
    scope = resource.scope_spans.add()
    start = time.time_ns()
    for number in range(spans):
        span = scope.spans.add()
        span.trace_id, span.span_id = trace_id, number.to_bytes(8, "big")
        span.parent_span_id = (number // 4).to_bytes(8, "big")
        span.name, span.kind = "SELECT orders.id, orders.status FROM orders WHERE orders.id = ?", 3
        span.start_time_unix_nano, span.end_time_unix_nano = start, start + 150_000
        for key, value in (("db.system", "sqlite"), ("db.statement", span.name), ("net.peer.name", "localhost")):
            span.attributes.add(key=key).value.string_value = value
    return request.SerializeToString()


def as_json(body: bytes) -> bytes:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest.FromString(body)
    document = json_format.MessageToDict(request)
    for resource in document["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        import base64

                        span[key] = base64.b64decode(span[key]).hex()
    return json.dumps(document).encode()


def receiver_rate(batches: int) -> dict[str, float]:
    store = SpanStore()
    receiver = OtlpReceiver(store.add).start()
    trace_id = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
    store.watch(trace_id.hex())
    protobuf = export_request(trace_id, BATCH)
    bodies = {"protobuf": (protobuf, "application/x-protobuf"), "json": (as_json(protobuf), "application/json")}
    rates = {}
    try:
        with requests.Session() as session:
            session.trust_env = False
            for name, (body, kind) in bodies.items():
                session.post(receiver.traces_url, data=body, headers={"Content-Type": kind}, timeout=10)  # warm
                started = time.perf_counter()
                for _ in range(batches):
                    answer = session.post(receiver.traces_url, data=body, headers={"Content-Type": kind}, timeout=10)
                    answer.raise_for_status()
                rates[f"receiver_{name}_spans_per_s"] = batches * BATCH / (time.perf_counter() - started)
                store.forget(trace_id.hex())
                store.watch(trace_id.hex())
    finally:
        receiver.close()
    return rates


def test_side_ms(scenarios: int) -> dict[str, float]:
    """Bookkeeping of a 25-step, 15-request scenario, and drawing its 130-span trace."""
    started = time.perf_counter()
    for _ in range(scenarios):
        trace = ScenarioTrace("Checkout", "run-0001-checkout")
        for step in range(25):
            trace.begin_step(f"When step {step}")
            if step % 5 < 3:
                header = trace.request_headers()["traceparent"]
                trace.record_request(
                    parse_traceparent(header)[1], "orders", "POST", "http://x/checkout", time.time(), 3.0, 201
                )
            trace.end_step()
        trace.end()
    bookkeeping = (time.perf_counter() - started) * 1000 / scenarios
    services = [
        Span(trace.trace_id, f"{n:016x}", request.span_id, "GET /x", "cart", "SERVER", request.start, request.end)
        for n, request in enumerate(trace.requests * 8)
    ]
    spans = [*trace.test_spans(), *services[: 130 - len(trace.test_spans())]]
    started = time.perf_counter()
    for _ in range(max(1, scenarios // 10)):
        render(trace, spans, failed=True, failure="Then it is paid")
    drawing = (time.perf_counter() - started) * 1000 / max(1, scenarios // 10)
    return {"test_side_bookkeeping_ms": bookkeeping, "waterfall_render_ms": drawing}


def suite_run(tracing: bool) -> dict[str, float]:
    """Time per scenario, the rest of the process's time, and the wait per scenario, of one behave run."""
    # checkout_api.feature uses the trace phrases, which fail without traces: left out of both
    features = [
        str(path) for path in sorted((ROOT / "features" / "api").glob("*.feature")) if "checkout" not in path.name
    ]
    command = [sys.executable, "-m", "behave", *features, "-f", "null", "-D", f"tracing.enabled={str(tracing).lower()}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"behave failed:\n{output[-3000:]}")
    scenarios = int(re.search(r"(\d+) scenarios? passed", output)[1])
    took = re.search(r"Took (\d+)min ([\d.]+)s", output)
    running = int(took[1]) * 60 + float(took[2])
    waited = re.search(r"([\d.]+) ms per scenario waiting", output)
    return {
        "ms_per_scenario": running * 1000 / scenarios,
        "startup_s": elapsed - running,
        "wait_ms": float(waited[1]) if waited else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a smoke run")
    args, _ = parser.parse_known_args()
    rounds = 1 if args.quick else 3
    results: dict[str, float] = {}
    results.update(receiver_rate(20 if args.quick else 100))
    results.update(test_side_ms(200 if args.quick else 1000))
    runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for _ in range(rounds):  # alternated, so that a slow moment of the machine hits both
        for tracing in (True, False):
            runs[tracing].append(suite_run(tracing))
    for tracing, name in ((True, "on"), (False, "off")):
        for key in ("ms_per_scenario", "startup_s"):
            results[f"suite_{key}_tracing_{name}"] = statistics.median(run[key] for run in runs[tracing])
    results["added_ms_per_scenario"] = (
        results["suite_ms_per_scenario_tracing_on"] - results["suite_ms_per_scenario_tracing_off"]
    )
    results["added_startup_s"] = results["suite_startup_s_tracing_on"] - results["suite_startup_s_tracing_off"]
    results["late_span_wait_ms_per_scenario"] = statistics.median(run["wait_ms"] for run in runs[True])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Tracing cost (features/api, {rounds} round(s) each way; {RESULTS.relative_to(ROOT)})")
    for key, value in results.items():
        print(f"  {key:<40} {value:>12,.1f}")


if __name__ == "__main__":
    main()
