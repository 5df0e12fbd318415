"""The sample suite with `-D env=docker`: the shop in containers on PostgreSQL, and nothing left after.

Each behave run is a child process, as a user would run it; its run id is read from its
output and every container and volume labelled with it must be gone afterwards.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.docker.conftest import record_timing, resources_of_run
from tests.suite.behave_run import BEHAVE_INI, ROOT, run_behave

pytestmark = pytest.mark.docker

SERVICES = ("postgres", "auth", "catalog", "cart", "orders", "gateway", "mail")
MIN_SCENARIOS = 30


def _run_id(output: str) -> str:
    match = re.search(r"handoff: environment 'docker', run (\w+)", output) or re.search(r"handoff-(\w+)-\w+", output)
    assert match, f"no run id in the output:\n{output[-3000:]}"
    return match[1]


def _record_start(what: str, output: str) -> None:
    match = re.search(r"(\d+) container service\(s\) ready in ([\d.]+) s \(images ([\d.]+) s\)", output)
    if match:
        record_timing(f"{what}: images (prepare, build or find)", float(match[3]))
        record_timing(f"{what}: stack start ({match[1]} containers, to ready)", float(match[2]))


@pytest.fixture(scope="module")
def docker_run(docker_client, tmp_path_factory):
    started = time.monotonic()
    result = run_behave(tmp_path_factory.mktemp("docker"), str(ROOT / "features"), "-D", "env=docker", timeout=1200)
    record_timing("whole sample suite with -D env=docker (first run)", time.monotonic() - started)
    _record_start("first run", result.output)
    return result


def test_every_scenario_passes_in_containers(docker_run):
    assert docker_run.exit_code == 0, docker_run.output[-5000:]
    assert len(docker_run.scenarios) >= MIN_SCENARIOS, docker_run.output[-2000:]
    # the @broker scenarios (order events, the broker's faults) are skipped: no broker in containers yet
    broker_features = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "features").rglob("*.feature")
        if "@broker" in path.read_text().split("Feature:", 1)[0]  # a tag of the whole feature
    ]
    assert broker_features, "no @broker feature found: the count below would prove nothing"
    broker = sum(1 for s in docker_run.scenarios if any(f in s.get("location", "") for f in broker_features))
    expected = {"passed": len(docker_run.scenarios) - broker, **({"skipped": broker} if broker else {})}
    assert docker_run.statuses() == expected, docker_run.output[-5000:]


def test_each_containers_log_is_captured(docker_run):
    logs = docker_run.workdir / "reports" / "service-logs"
    for service in SERVICES:
        assert (logs / f"{service}.log").stat().st_size > 0, service
    assert "method=POST path=/checkout status=201" in (logs / "orders.log").read_text()
    assert "database system is ready to accept connections" in (logs / "postgres.log").read_text()


def test_the_databases_were_postgresql_in_a_container(docker_run):
    properties = (docker_run.allure_results / "environment.properties").read_text()
    assert "environment=docker" in properties
    assert "database.orders=postgresql" in properties


def test_nothing_is_left_after_a_passing_run(docker_run, docker_client):
    assert resources_of_run(docker_client, _run_id(docker_run.output)) == []


def test_nothing_is_left_after_failing_scenarios(docker_client, tmp_path):
    result = run_behave(tmp_path, str(ROOT / "tests" / "failing_features"), "-D", "env=docker", timeout=600)
    assert result.exit_code == 1, result.output[-3000:]
    assert "Alice's cart total" in result.output
    _record_start("second run (warm)", result.output)
    assert resources_of_run(docker_client, _run_id(result.output)) == []


def test_nothing_is_left_when_a_service_crashes_in_before_all(docker_client, tmp_path):
    result = run_behave(
        tmp_path, str(ROOT / "features" / "account"), "-D", "env=docker", "-D", "services.catalog.env.SHOP_PORT=none"
    )
    assert result.exit_code == 1
    assert "HOOK-ERROR in before_all" in result.output
    assert "service 'catalog' exited with code 2 while starting" in result.output
    assert "SHOP_PORT must be an integer" in result.output  # the last lines of its log
    assert resources_of_run(docker_client, _run_id(result.output)) == []


def test_nothing_is_left_after_ctrl_c(docker_client, tmp_path):
    (tmp_path / "behave.ini").write_text(BEHAVE_INI)
    orders_log = tmp_path / "reports" / "service-logs" / "orders.log"
    child = subprocess.Popen(
        [sys.executable, "-m", "behave", "-f", "plain", "-D", "env=docker", str(ROOT / "features")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Python turns SIGINT into KeyboardInterrupt only when it is not ignored on start,
        # and a CI runner may start us with it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and child.poll() is None:
            if orders_log.exists() and "path=/checkout" in orders_log.read_text(errors="replace"):
                break  # scenarios are running against the stack
            time.sleep(0.1)
        assert child.poll() is None, "the suite ended before it could be interrupted"
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode != 0
    assert "ABORTED: By user" in output or "KeyboardInterrupt" in output, output[-3000:]
    assert resources_of_run(docker_client, _run_id(output)) == []


def test_a_kept_stack_is_reused_by_the_next_run(docker_client, tmp_path):
    from handoff.containers.engine import LABEL_KEEP, remove_labelled

    # Orders calls the gateway and the mail server through the run's fault-injecting proxies:
    # the next run listens on the same ports, so the kept stack is still right for it.
    features = [str(ROOT / "features" / "checkout"), str(ROOT / "features" / "resilience")]
    try:
        first = run_behave(tmp_path, *features, "-D", "env=docker", "-D", "keep_services=true", timeout=600)
        assert first.exit_code == 0, first.output[-5000:]
        assert "left the container stack" in first.output
        kept = docker_client.containers.list(filters={"label": LABEL_KEEP})
        assert {c.labels["handoff.service"] for c in kept} >= set(SERVICES)

        started = time.monotonic()
        second = run_behave(tmp_path, *features, "-D", "env=docker", "-D", "keep_services=true", timeout=600)
        record_timing("a run attached to a kept stack (whole behave run)", time.monotonic() - started)
        assert second.exit_code == 0, second.output[-5000:]
        assert "attached to the kept container stack" in second.output
        assert {c.id for c in docker_client.containers.list(filters={"label": LABEL_KEEP})} == {c.id for c in kept}
    finally:
        subprocess.run([sys.executable, "-m", "handoff.containers", "down"], cwd=ROOT, check=True, timeout=120)
    assert docker_client.containers.list(all=True, filters={"label": LABEL_KEEP}) == []
    remove_labelled(docker_client, LABEL_KEEP)


def test_a_container_that_dies_mid_run_is_named_as_infrastructure(docker_client, tmp_path):
    feature = ROOT / "tests" / "report" / "features" / "classified_failures.feature"
    result = run_behave(tmp_path, str(feature), "-n", "A service dies mid-run", "-D", "env=docker", timeout=600)
    assert result.exit_code == 1, result.output[-3000:]
    message = result.failure_message("A service dies mid-run")
    assert message.startswith("handoff.run.processes.ServiceDied: service 'catalog' (container handoff-"), message
    assert "is exited with exit status 137 during the run" in message
    assert "The step's own error: service 'catalog' is unreachable" in message
    assert resources_of_run(docker_client, _run_id(result.output)) == []


def test_the_services_in_containers_send_their_spans_to_the_run(docker_run):
    """Containers share the host's loopback: their OTLP exporter reaches the run's receiver."""
    results = [json.loads(path.read_text()) for path in docker_run.allure_results.glob("*-result.json")]
    paid = next(result for result in results if result["name"] == "Paying with an approved card")
    [trace] = [a["name"] for a in paid.get("attachments", []) if a["name"].startswith("Trace: ")]
    spans, services = re.match(r"Trace: (\d+) span\(s\) from (\d+) service\(s\)", trace).groups()
    assert int(spans) > 50 and int(services) == 6, trace  # auth, catalog, cart, orders, gateway, mail
