"""A run killed with SIGKILL cleans nothing up itself: the next run, or handoff clean, reaps what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from handoff.run.ownership import RunLabel
from tests.suite.behave_run import BEHAVE_INI, ROOT
from tests.suite.conftest import throwaway_databases
from tests.suite.test_interrupt import _alive, _children

HANDOFF = str(Path(sys.executable).with_name("handoff"))


def _killed_run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, set[int]]:
    """Start a run, SIGKILL it while its services run; returns its run id and service pids."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "behave.ini").write_text(BEHAVE_INI)
    log = tmp_path / "console.log"
    with log.open("w") as console:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "behave",
                "-f",
                "plain",
                *args,
                str(ROOT / "tests" / "failing_features" / "hanging_step.feature"),
            ],
            cwd=tmp_path,
            env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
            stdout=console,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_children(process.pid)) < 6:
        time.sleep(0.05)
    time.sleep(0.5)  # the hanging request is under way
    services = _children(process.pid)
    owned = [label for label in map(RunLabel.read, Path(tempfile.gettempdir()).glob("handoff-*")) if label]
    run_ids = [label.run_id for label in owned if label.owner.pid == process.pid]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert len(run_ids) == 1 and len(services) >= 6, log.read_text()
    return run_ids[0], services


def _run_folders(run_id: str) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"handoff-{run_id}-*"))


def test_handoff_clean_removes_what_a_killed_run_left(tmp_path):
    run_id, services = _killed_run(tmp_path)
    assert [pid for pid in services if _alive(pid)], "a killed run leaves its services behind"
    assert _run_folders(run_id)
    cleaned = subprocess.run([HANDOFF, "clean"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert f"run {run_id}: stopped" in cleaned.stdout, cleaned.stdout + cleaned.stderr
    assert cleaned.returncode == 0 or "still has" in cleaned.stdout  # another killed run's databases, elsewhere
    time.sleep(0.3)
    assert [pid for pid in services if _alive(pid)] == []
    assert _run_folders(run_id) == []


def test_the_next_run_reaps_processes_folders_and_databases_of_a_killed_run(tmp_path, postgres_url, rabbitmq):
    env = {"HANDOFF_PG_URL": postgres_url, "HANDOFF_AMQP_PORT": str(rabbitmq.port)}  # the postgres env's broker
    run_id, services = _killed_run(tmp_path / "killed", "-D", "env=postgres", env=env)
    assert throwaway_databases(postgres_url, run_id), "a killed run leaves its databases behind"
    next_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "behave",
            "-f",
            "plain",
            "-D",
            "env=postgres",
            str(ROOT / "features" / "account" / "sessions.feature"),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert next_run.returncode == 0, next_run.stdout[-3000:] + next_run.stderr[-3000:]
    assert "reaped" in next_run.stderr and run_id in next_run.stderr
    assert [pid for pid in services if _alive(pid)] == []
    assert _run_folders(run_id) == []
    assert throwaway_databases(postgres_url, run_id) == []
