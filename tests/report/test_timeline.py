"""Each scenario carries its trace across the services; a failing one, the services' logs."""

from __future__ import annotations

import json
import re

from handoff.report.service_logs import parse_request_line
from handoff.report.timeline import Timeline


def scenario_attachments(results_dir, name: str) -> dict[str, str]:
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text())
        if result["name"] == name:
            return {a["name"]: (results_dir / a["source"]).read_text() for a in result.get("attachments", [])}
    raise AssertionError(f"no result for {name!r}")


def timeline_of(results_dir, name: str) -> str:
    found = [text for title, text in scenario_attachments(results_dir, name).items() if title.startswith("Timeline")]
    assert len(found) == 1, name
    return found[0]


def test_the_checkout_timeline_shows_every_service_in_order_under_its_step(suite_run):
    text = timeline_of(suite_run.allure_results, "Paying with an approved card")
    checkout = text.split("When Alice checks out paying with an approved card\n", 1)[1].split("\n\n", 1)[0]
    lines = checkout.splitlines()
    assert "HTTP  test -> orders: POST /checkout -> 201" in lines[0]
    assert re.search(r"SVC     orders: POST /checkout -> 201", lines[1])  # the service's own line, one level in
    gateway = next(line for line in lines if "gateway: POST /charges" in line)
    assert re.search(r"SVC       gateway", gateway)  # called by orders: two levels in
    assert re.search(r"\[\s*[\d.]+ ms\]", gateway)
    assert "SQL   orders: SELECT" in text and "EMAIL mail: to alice." in text


def test_correlation_ids_are_unique_per_scenario_also_for_outline_rows(suite_run):
    ids, ran = [], []
    for path in suite_run.allure_results.glob("*-attachment.txt"):
        text = path.read_text()
        if text.startswith("Timeline of: "):
            ids.append(re.search(r"^Correlation id: (\S+)", text, re.MULTILINE)[1])
            if re.search(r"^0 call\(s\) by the test", text, re.MULTILINE):
                continue  # skipped by its environment, or only broker messages: no service logged it
            ran.append(ids[-1])
    assert len(ids) == len(suite_run.scenarios) and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", cid) for cid in ids)  # what the shop accepts
    logged = "\n".join(p.read_text() for p in (suite_run.workdir / "reports" / "service-logs").glob("*.log"))
    assert ran and all(f"correlation_id={cid}" in logged for cid in ran)


def test_a_failing_scenario_carries_the_services_logs_of_its_time(classified_run):
    attachments = scenario_attachments(classified_run.allure_results, "The product answers wrongly")
    log = attachments["Log of catalog while the scenario ran (1 line(s))"]
    assert "path=/products/987654 status=404" in log
    timeline = next(text for title, text in attachments.items() if title.startswith("Timeline"))
    assert "FAILED at: Then the catalog knows the product\n" in timeline
    assert "expected: 200" in timeline and "actual:   404" in timeline
    passing = scenario_attachments(classified_run.allure_results, "A passing scenario")
    assert not any(title.startswith("Log of") for title in passing)


def test_request_lines_and_nesting():
    line = (
        "2026-01-02T03:04:05.250Z service=gateway level=INFO method=POST path=/charges status=201 "
        "duration_ms=50.0 correlation_id=run-0001-x"
    )
    request = parse_request_line(line)
    assert request.service == "gateway" and request.status == 201 and request.correlation_id == "run-0001-x"
    assert abs(request.finished_at - request.started_at - 0.05) < 1e-6
    assert parse_request_line("2026-01-02T03:04:05.250Z service=gateway level=INFO stopped") is None

    timeline = Timeline("S", "run-0001-x", started_at=request.started_at - 1)
    timeline.begin_step("When paying", at=request.started_at - 0.5)
    timeline.add("HTTP", "test -> orders", "POST /checkout -> 201", request.started_at - 0.01, 100)
    timeline.add_service_requests([request, parse_request_line(line.replace("run-0001-x", "someone-else"))])
    rendered = timeline.render()
    assert rendered.count("gateway: POST /charges") == 1
    assert "SVC     gateway: POST /charges -> 201" in rendered
