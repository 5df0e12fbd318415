"""The sample shop's order events: on the embedded broker (local) and on RabbitMQ (postgres)."""

from __future__ import annotations

import json
import os

from tests.needs import missing
from tests.suite.behave_run import ROOT, BehaveResult, run_behave

FEATURES = [
    str(ROOT / "features" / "notifications"),
    str(ROOT / "features" / "resilience"),
    str(ROOT / "features" / "checkout" / "paying.feature"),
]


def _walk(node: dict, folder, named: dict[str, str]) -> dict[str, str]:
    for attachment in node.get("attachments", []):
        named[attachment["name"]] = (folder / attachment["source"]).read_text()
    for step in node.get("steps", []):
        _walk(step, folder, named)
    return named


def _attachments(result: BehaveResult, scenario: str) -> dict[str, str]:
    """Every attachment of a scenario's Allure result (its steps' included), by name."""
    for path in result.allure_results.glob("*-result.json"):
        found = json.loads(path.read_text())
        if found["name"] == scenario:
            return _walk(found, result.allure_results, {})
    raise AssertionError(f"no result for {scenario!r}")


def test_order_events_on_the_embedded_broker(tmp_path):
    result = run_behave(tmp_path, *FEATURES, "-D", "env=local")
    assert result.exit_code == 0, result.output[-5000:]
    statuses = result.statuses()
    assert statuses.get("failed", 0) == 0 and statuses["passed"] >= 15, statuses
    assert statuses["skipped"] == 2  # the broker's faults need a proxy in front of a real broker
    attached = _attachments(result, "A paid order is announced once, and its email follows")
    observed = [name for name in attached if name.startswith("Message observed: order.paid")]
    assert observed, list(attached)
    assert '"status": "PAID"' in attached[observed[0]]
    timeline = next(body for name, body in attached.items() if name.startswith("Timeline"))
    assert "MSG" in timeline and "observed order.paid on shop.events" in timeline
    held = _attachments(result, "An announcement the shop cannot read is set aside for someone to look at")
    assert any(name.startswith("Message in queue: order.paid") for name in held), list(held)


def test_order_events_on_rabbitmq_and_postgresql(tmp_path, rabbitmq):
    pg_url = os.environ.get("HANDOFF_PG_URL")
    if not pg_url:
        missing("HANDOFF_PG_URL is not set (a PostgreSQL server for the postgres environment)")
    env = {"HANDOFF_PG_URL": pg_url, "HANDOFF_AMQP_PORT": str(rabbitmq.port)}
    result = run_behave(tmp_path, *FEATURES, "-D", "env=postgres", env=env)
    assert result.exit_code == 0, result.output[-5000:]
    statuses = result.statuses()
    assert statuses.get("failed", 0) == 0 and statuses.get("skipped", 0) == 0, statuses
    assert result.scenario("A paid order's email waits for the broker to come back")["status"] == "passed"
