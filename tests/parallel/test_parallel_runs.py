"""Parallel runs end to end: the same results as a serial run, failures and crashes
reported without hanging, Ctrl-C stopping every worker, one-time setup done once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.suite.behave_run import BEHAVE_INI, ROOT, run_behave

PARALLEL_RUNNER = "--runner=handoff.parallel.runner:ParallelRunner"
SUBSET = ("features/cart/cart_privacy.feature", "features/checkout/paying.feature")


@dataclass
class ParallelResult:
    exit_code: int
    output: str
    workdir: Path

    @property
    def summary(self) -> dict:
        return json.loads((self.workdir / "reports" / "workers" / "summary.json").read_text())

    def statuses(self) -> dict[str, str]:
        return {s["name"]: s["status"] for s in self.summary["scenarios"]}


def parallel_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "behave", PARALLEL_RUNNER, *args]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(extra or {}), "PYTHONPATH": str(ROOT)}


def run_parallel(workdir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300):
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "behave.ini").write_text(BEHAVE_INI)
    completed = subprocess.run(
        parallel_command(*args), cwd=workdir, env=environment(env), capture_output=True, text=True, timeout=timeout
    )
    return ParallelResult(completed.returncode, completed.stdout + completed.stderr, workdir)


def allure_results(folder: Path) -> dict[tuple, dict]:
    results = {}
    for path in folder.glob("*-result.json"):
        result = json.loads(path.read_text())
        key = (result["name"], tuple((p["name"], p["value"]) for p in result.get("parameters", [])))
        assert key not in results, f"{key} reported twice"
        results[key] = result
    return results


def attachment_kinds(result: dict) -> set[str]:
    """What was attached, without the parts that change between runs (ids, counts)."""
    names = [a["name"] for step in result.get("steps", []) for a in step.get("attachments", [])]
    return {" ".join(name.split()[:2]) for name in names}


def test_a_parallel_run_reports_the_same_scenarios_outcomes_and_attachments_as_a_serial_one(tmp_path):
    paths = [str(ROOT / path) for path in SUBSET]
    serial = run_behave(tmp_path / "serial", *paths)
    parallel = run_parallel(tmp_path / "parallel", "--jobs", "2", *paths)
    assert serial.exit_code == 0, serial.output[-3000:]
    assert parallel.exit_code == 0, parallel.output[-3000:]
    assert "on 2 workers" in parallel.output

    expected = allure_results(serial.allure_results)
    actual = allure_results(parallel.workdir / "allure-results")
    assert len(expected) == len(serial.scenarios) >= 9
    assert {k: r["status"] for k, r in actual.items()} == {k: r["status"] for k, r in expected.items()}
    for key, result in actual.items():
        assert attachment_kinds(result) == attachment_kinds(expected[key]), key
        for step in result.get("steps", []):
            for attachment in step.get("attachments", []):
                assert (parallel.workdir / "allure-results" / attachment["source"]).stat().st_size > 0
    workers = {s["worker"] for s in parallel.summary["scenarios"]}
    assert workers == {"1", "2"}, "both workers ran scenarios"
    for worker in ("worker-1", "worker-2"):  # each worker's own shop, its own logs
        assert (parallel.workdir / "reports" / "workers" / worker / "service-logs" / "orders.log").exists()


STEPS = """
import os
import time
from pathlib import Path

from behave import step


def marker(name):
    return Path(os.environ["MARKERS"]) / f"{name}-{os.getpid()}"


@step("it passes")
def passes(context):
    pass


@step("it fails")
def fails(context):
    assert False, "deliberately wrong"


@step("the worker process dies")
def dies(context):
    os._exit(3)


@step("it waits {seconds:d} seconds")
def waits(context, seconds):
    marker("waiting").touch()
    time.sleep(seconds)


@step("it records the setup token")
def records(context):
    marker("token").write_text(os.environ.get("SETUP_TOKEN", "missing"))
"""

ENVIRONMENT = """
import os
from pathlib import Path


def after_all(context):
    (Path(os.environ["MARKERS"]) / f"cleaned-{os.getpid()}").touch()
"""

HOOKS = """
import os
from pathlib import Path


def prepare(settings):
    with (Path(os.environ["MARKERS"]) / "setup-calls").open("a") as calls:
        calls.write(settings.env + "\\n")
    return {"SETUP_TOKEN": "built-once"}
"""


def tiny_suite(tmp_path: Path, features: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A suite of a few quick scenarios in a temporary folder, with its own steps."""
    workdir = tmp_path / "suite"
    (workdir / "features").mkdir(parents=True)
    (workdir / "steps").mkdir()
    (workdir / "steps" / "tiny_steps.py").write_text(STEPS)
    (workdir / "environment.py").write_text(ENVIRONMENT)
    (workdir / "once_hooks.py").write_text(HOOKS)
    for name, text in features.items():
        (workdir / "features" / name).write_text(textwrap.dedent(text))
    markers = tmp_path / "markers"
    markers.mkdir()
    return workdir, {"MARKERS": str(markers)}


PASSING = """
    Feature: Passing
      Scenario: first
        Given it passes
      Scenario: second
        Given it passes
      Scenario: third
        Given it passes
"""


def test_a_failure_and_a_crashed_worker_are_reported_and_the_run_ends_with_failure(tmp_path):
    workdir, env = tiny_suite(
        tmp_path,
        {
            "passing.feature": PASSING,
            "trouble.feature": """
                Feature: Trouble
                  Scenario: a wrong answer
                    Given it fails
                  Scenario: the worker dies
                    Given the worker process dies
                  Scenario: never reached
                    Given it passes
            """,
        },
    )
    result = run_parallel(workdir, "--jobs", "2", env=env, timeout=120)
    assert result.exit_code == 1, result.output
    assert "FAILED features/trouble.feature:3  a wrong answer" in result.output
    assert "deliberately wrong" in result.output
    assert "WORKER FAILED: worker" in result.output and "did not run" in result.output
    statuses = result.statuses()
    assert statuses["a wrong answer"] == "failed"
    assert {statuses[name] for name in ("first", "second", "third")} == {"passed"}
    assert "features/trouble.feature:5" in result.summary["not_run"]  # its result died with the worker: said so


def test_one_time_setup_runs_once_in_the_parent_and_workers_see_what_it_made(tmp_path):
    workdir, env = tiny_suite(
        tmp_path,
        {
            "tokens.feature": """
                Feature: Tokens
                  Scenario: one
                    Given it records the setup token
                  Scenario: two
                    Given it records the setup token
                  Scenario: three
                    Given it records the setup token
            """,
        },
    )
    result = run_parallel(workdir, "--jobs", "3", "-D", "run.setup_once=once_hooks:prepare", env=env, timeout=120)
    assert result.exit_code == 0, result.output
    markers = Path(env["MARKERS"])
    assert (markers / "setup-calls").read_text() == "local\n"
    tokens = [path.read_text() for path in markers.glob("token-*")]
    assert tokens == ["built-once"] * 3  # three workers, three processes, one setup


def test_ctrl_c_stops_every_worker_after_its_cleanup(tmp_path):
    workdir, env = tiny_suite(
        tmp_path,
        {
            "slow.feature": """
                Feature: Slow
                  Scenario: slow one
                    Given it waits 60 seconds
                  Scenario: slow two
                    Given it waits 60 seconds
            """,
        },
    )
    markers = Path(env["MARKERS"])
    parent = subprocess.Popen(
        parallel_command("--jobs", "2"),
        cwd=workdir,
        env=environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(markers.glob("waiting-*"))) < 2 and time.monotonic() < deadline:
            assert parent.poll() is None, parent.stdout.read()
            time.sleep(0.1)
        workers = {int(path.name.split("-")[1]) for path in markers.glob("waiting-*")}
        assert len(workers) == 2
        parent.send_signal(signal.SIGINT)
        output, _ = parent.communicate(timeout=45)
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait()
    assert parent.returncode == 1, output
    assert "interrupted: stopping every worker" in output
    assert {int(path.name.split("-")[1]) for path in markers.glob("cleaned-*")} == workers  # after_all ran
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
