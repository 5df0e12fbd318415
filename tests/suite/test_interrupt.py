"""Ctrl-C, SIGTERM or SIGHUP during a run: the results so far are kept, and every service,
folder and database the run made is gone."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.suite.behave_run import BEHAVE_INI, ROOT
from tests.suite.conftest import throwaway_databases


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def _interrupted_run(tmp_path: Path, signum: int, *args: str, env: dict[str, str] | None = None):
    """Start the account features and a hanging step, send ``signum`` while the request hangs."""
    (tmp_path / "behave.ini").write_text(BEHAVE_INI)
    feature = ROOT / "tests" / "failing_features" / "hanging_step.feature"
    process = subprocess.Popen(
        [sys.executable, "-m", "behave", "-f", "plain", *args, str(ROOT / "features" / "account"), str(feature)],
        cwd=tmp_path,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    results = tmp_path / "allure-results"
    while time.monotonic() < deadline and len(list(results.glob("*-result.json"))) < 7:
        time.sleep(0.05)  # the account features are done; the hanging request is under way
    services = _children(process.pid)
    assert len(services) >= 6, "the shop's services should be running"
    time.sleep(0.3)
    process.send_signal(signum)
    output, _ = process.communicate(timeout=30)
    finished = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    run_id = re.search(r"handoff: environment '\w+', run (\w+)", output)
    assert run_id, output
    return process.returncode, output, finished, services, run_id.group(1)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_keeps_results_and_stops_the_services_and_removes_the_run_folder(tmp_path, signum):
    code, output, finished, services, run_id = _interrupted_run(tmp_path, signum)
    assert code != 0, output
    assert len([r for r in finished if r["status"] == "passed"]) >= 7, output
    time.sleep(0.5)
    assert [pid for pid in services if _alive(pid)] == [], output
    assert list(Path(tempfile.gettempdir()).glob(f"handoff-{run_id}-*")) == [], output


def test_sigterm_on_postgres_drops_the_run_s_databases(tmp_path, postgres_url, rabbitmq):
    env = {"HANDOFF_PG_URL": postgres_url, "HANDOFF_AMQP_PORT": str(rabbitmq.port)}  # the postgres env's broker
    code, output, _, services, run_id = _interrupted_run(tmp_path, signal.SIGTERM, "-D", "env=postgres", env=env)
    assert code != 0, output
    assert throwaway_databases(postgres_url, run_id) == [], output
    assert [pid for pid in services if _alive(pid)] == [], output
