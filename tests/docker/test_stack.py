"""The container stack against a real engine, with tiny services on the offline base image."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from handoff.containers.engine import LABEL_RUN
from handoff.run.processes import ServiceStartError
from handoff.run.test_run import TestRun
from tests.docker.conftest import resources_of_run, tiny_settings
from tests.suite.behave_run import ROOT

pytestmark = pytest.mark.docker

WEB = """
[services.web]
image = "handoff/base:bookworm"
command = ["python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", "/data"]
health = "/"
volumes = ["data:/data"]

[services.api]
image = "handoff/base:bookworm"
command = ["python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1"]
health = "/"
env = { WEB_URL = "{services.web.url}" }
depends_on = ["web"]
"""

BROKEN = """
[services.broken]
image = "handoff/base:bookworm"
command = ["python3", "-c", "print('starting, never listening', flush=True); import time; time.sleep(600)"]
"""

CRASHING = """
[services.crashing]
image = "handoff/base:bookworm"
command = ["python3", "-c", "print('missing SHOP_PORT', flush=True); raise SystemExit(3)"]
"""

HOLD_A_STACK = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from handoff.config.settings import load_settings
from handoff.run.test_run import TestRun
run = TestRun(load_settings({"env": "tiny"}, environ={}, config_dir=Path(sys.argv[2]))).open()
print(run.run_id, flush=True)
time.sleep(600)
"""


def test_services_start_in_dependency_order_answer_and_are_removed(docker_client, base_image, tmp_path):
    run = TestRun(tiny_settings(tmp_path, WEB))
    try:
        run.open()
        web, api = (run.containers.running[0].container, run.containers.running[1].container)
        assert (web.labels["handoff.service"], api.labels["handoff.service"]) == ("web", "api")
        assert web.attrs["State"]["StartedAt"] < api.attrs["State"]["StartedAt"]
        assert api.attrs["HostConfig"]["NetworkMode"] == "host"
        assert f"WEB_URL={run.service_urls['web']}" in api.attrs["Config"]["Env"]
        assert run.http.session.get(run.service_urls["api"] + "/", timeout=5).status_code == 200
        assert any(v.name == f"handoff-{run.run_id}-data" for v in docker_client.volumes.list())
        run_id = run.run_id
    finally:
        run.close()
    assert resources_of_run(docker_client, run_id) == []
    log = (tmp_path / "reports" / "service-logs" / "api.log").read_text()
    assert '"GET / HTTP/1.1" 200' in log  # the readiness probes, as the service logged them


def test_a_service_that_never_gets_ready_is_named_with_the_last_probe(docker_client, base_image, tmp_path):
    run = TestRun(tiny_settings(tmp_path, BROKEN, start_timeout=3.0))
    with pytest.raises(ServiceStartError) as failure:
        try:
            run.open()
        finally:
            run_id = run.run_id
            run.close()
    message = str(failure.value)
    assert "service 'broken' was not ready within 3 s (run.start_timeout)" in message
    assert f"last probe: GET {run.service_urls['broken']}/health: ConnectionError" in message
    assert "starting, never listening" in message  # the last lines of its log
    assert resources_of_run(docker_client, run_id) == []


def test_a_service_that_exits_while_starting_shows_its_code_and_log(docker_client, base_image, tmp_path):
    run = TestRun(tiny_settings(tmp_path, CRASHING))
    with pytest.raises(ServiceStartError, match="service 'crashing' exited with code 3") as failure:
        try:
            run.open()
        finally:
            run.close()
    assert "missing SHOP_PORT" in str(failure.value)
    assert resources_of_run(docker_client, run.run_id) == []


def test_leftovers_of_a_killed_run_are_reaped_at_the_next_start(docker_client, base_image, tmp_path):
    settings = tiny_settings(tmp_path, WEB)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_STACK, str(ROOT), str(tmp_path / "config")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        killed_run = holder.stdout.readline().strip()
        assert killed_run, "the holding process did not start its stack"
    finally:
        holder.send_signal(signal.SIGKILL)  # no cleanup at all: as if the machine pulled the plug
        holder.wait(timeout=30)
    assert len(resources_of_run(docker_client, killed_run)) == 3  # two containers and a volume

    alive = TestRun(settings)
    try:
        alive.open()
        assert resources_of_run(docker_client, killed_run) == []
        next_run = TestRun(tiny_settings(tmp_path / "next", WEB))
        try:
            next_run.open()  # reaps again: a live run's containers stay
            assert len(resources_of_run(docker_client, alive.run_id)) == 3
        finally:
            next_run.close()
    finally:
        alive.close()


def test_a_kept_stack_is_reused_and_replaced_when_its_declaration_changes(docker_client, base_image, tmp_path):
    first = TestRun(tiny_settings(tmp_path, WEB, keep_services=True))
    try:
        first.open()
        kept_ids = {r.container.id for r in first.containers.running}
        key = first.containers.stack_key
    finally:
        first.close()
    try:
        kept = docker_client.containers.list(filters={"label": f"handoff.keep={key}"})
        assert {c.id for c in kept} == kept_ids, "a kept stack stays running"

        second = TestRun(tiny_settings(tmp_path, WEB, keep_services=True))
        try:
            started = time.monotonic()
            second.open()
            assert {r.container.id for r in second.containers.running} == kept_ids
            assert all(r.attached for r in second.containers.running)
            assert second.service_urls == first.service_urls
            assert second.http.session.get(second.service_urls["api"] + "/", timeout=5).status_code == 200
            assert "attach" in second.containers.timings, time.monotonic() - started
        finally:
            second.close()

        changed = TestRun(tiny_settings(tmp_path, WEB.replace('"/data"]', '"/tmp"]'), keep_services=True))
        try:
            changed.open()
            assert not {r.container.id for r in changed.containers.running} & kept_ids
        finally:
            changed.close()
    finally:
        from handoff.containers.engine import remove_labelled

        remove_labelled(docker_client, f"handoff.keep={key}")
    assert docker_client.containers.list(all=True, filters={"label": f"handoff.keep={key}"}) == []
    assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_RUN}={first.run_id}"}) == []
