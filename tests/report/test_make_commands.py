"""``make run`` then ``make rerun``, typed exactly as the README writes them, in a copy of the checkout.

The copy shares this checkout's virtual environment (linked, with its install stamps kept)
and the report renderer in the user's cache, so make installs nothing and the commands
run as a user's do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.suite.behave_run import ROOT

FLAKY = "tests/report/features/flaky.feature"


@pytest.fixture
def checkout(tmp_path) -> Path:
    copy = tmp_path / "checkout"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    for name in tracked.stdout.splitlines():
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)  # keeps times: make sees the venv's stamps as current
    (copy / ".venv").symlink_to(ROOT / ".venv")  # the renderer is installed once, in the user's cache
    return copy


def make(checkout: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args],
        cwd=checkout,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_rerun_reruns_what_make_run_failed_and_ends_flaky(checkout, tmp_path):
    env = {"HANDOFF_FLAKY_MARKER": str(tmp_path / "marker")}
    first = make(checkout, "run", f"ARGS={FLAKY}", env=env)
    assert first.returncode == 2, first.stdout + first.stderr  # make's own status for a failed recipe
    assert "Error 1" in first.stderr
    rerun_file = (checkout / "reports" / "rerun.txt").read_text()
    assert "flaky.feature:3" in rerun_file

    rerun = make(checkout, "rerun", env=env)
    output = rerun.stdout + rerun.stderr
    assert "FileNotFoundError" not in output and "STILL FAILING" not in output, output
    assert "rerun: FLAKY (failed, then passed on a rerun): Flaky: Passes on the second attempt" in rerun.stdout, output
    assert rerun.returncode == 2 and "Error 3" in rerun.stderr, output  # 3: passed, but only on a rerun
    results = [json.loads(p.read_text()) for p in (checkout / "reports" / "allure-results").glob("*-result.json")]
    attempts = sorted(r["status"] for r in results if r["name"] == "Passes on the second attempt")
    assert attempts == ["failed", "passed"]
    assert (checkout / "reports" / "allure-report" / "index.html").is_file()


def rendered_results(checkout: Path) -> list[dict]:
    folder = checkout / "reports" / "allure-report" / "data" / "test-results"
    return [json.loads(path.read_text()) for path in folder.glob("*.json")]


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ("-D env=nosuchenv", "unknown environment 'nosuchenv'"),
        ("-D http.timeout=abc", "http.timeout='abc': expected a number"),
    ],
)
def test_make_run_with_a_configuration_error_renders_a_broken_report_saying_why(checkout, args, why):
    completed = make(checkout, "run", f"ARGS={args}", env={})
    assert completed.returncode == 2, completed.stdout + completed.stderr
    results = rendered_results(checkout)
    assert [r["status"] for r in results] == ["broken"]
    assert why in results[0]["error"]["message"]


def test_make_run_with_a_malformed_feature_renders_a_broken_report_naming_the_file(checkout):
    broken = checkout / "features" / "cart" / "half_written.feature"
    broken.write_text("Feature: Half written\n  Scenario: a doc string left open\n    Given x\n      Then\n  Oops:\n")
    completed = make(checkout, "run", env={})
    assert completed.returncode == 2, completed.stdout + completed.stderr
    results = rendered_results(checkout)
    assert [r["status"] for r in results] == ["broken"], results
    message = results[0]["error"]["message"]
    assert "does not parse" in message and "half_written.feature" in message, message


def test_make_run_that_selects_nothing_renders_no_green_report(checkout):
    completed = make(checkout, "run", "ARGS=--tags=@no-such-tag", env={})
    results = rendered_results(checkout)
    assert [r["status"] for r in results] == ["broken"], completed.stdout
    assert "no scenario ran" in results[0]["error"]["message"]


def test_a_quarantined_failure_is_reported_muted_and_not_counted_until_its_date(checkout):
    completed = make(checkout, "run", "ARGS=tests/report/features/quarantine/in_force.feature", env={})
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "QUARANTINED, failure not counted: A known flaky check fails (owner alice, until 2999-12-31)" in output
    failed = [r for r in rendered_results(checkout) if r["status"] != "passed"]
    assert [r["name"] for r in failed] == ["A known flaky check fails"]
    assert failed[0]["muted"] is True
    assert "QUARANTINED (owner alice, until 2999-12-31)" in failed[0]["error"]["message"]
    assert {"name": "tag", "value": "flake score 0/1"} in failed[0]["labels"]

    make(checkout, "run", "ARGS=tests/report/features/quarantine/in_force.feature", env={})  # the history grows
    again = [r for r in rendered_results(checkout) if r["name"] == "A known flaky check fails"]
    assert {"name": "tag", "value": "flake score 0/2"} in again[0]["labels"]


def test_an_expired_quarantine_counts_again(checkout):
    completed = make(checkout, "run", "ARGS=tests/report/features/quarantine", env={})
    output = completed.stdout + completed.stderr
    assert completed.returncode == 2 and "Error 1" in completed.stderr, output
    assert (
        "quarantine EXPIRED, failure counted again: An old quarantine fails (owner bob, expired 2020-01-31)" in output
    )


def behave(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    """``behave ...`` typed in the checkout, with the virtual environment activated."""
    path = f"{checkout / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["behave", *args], cwd=checkout, env={**os.environ, "PATH": path}, capture_output=True, text=True, timeout=600
    )


def test_a_bare_behave_does_not_count_a_quarantined_failure(checkout):
    completed = behave(checkout, "tests/report/features/quarantine/in_force.feature")
    output = completed.stdout + completed.stderr
    assert "1 scenario passed, 1 failed" in output, output
    assert "QUARANTINED, failure not counted: A known flaky check fails (owner alice, until 2999-12-31)" in output
    assert completed.returncode == 0, output


def test_a_bare_behave_counts_an_expired_quarantine_and_any_other_failure(checkout):
    completed = behave(checkout, "tests/report/features/quarantine")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "only quarantined scenarios failed" not in completed.stdout


def test_a_parallel_run_does_not_count_a_quarantined_failure(checkout):
    completed = make(checkout, "run", "JOBS=2", "ARGS=tests/report/features/quarantine/in_force.feature", env={})
    output = completed.stdout + completed.stderr
    assert "QUARANTINED (owner alice, until 2999-12-31), not counted:" in output, output
    assert "only quarantined scenarios failed: the run passes" in output
    assert completed.returncode == 0, output

    expired = make(checkout, "run", "JOBS=2", "ARGS=tests/report/features/quarantine", env={})
    assert expired.returncode == 2 and "Error 1" in expired.stderr, expired.stdout + expired.stderr


def test_make_run_without_node_runs_the_suite_keeps_the_results_and_says_how_to_render(checkout, tmp_path):
    tools = tmp_path / "bin"  # a PATH with what make needs, but no node and no npm
    tools.mkdir()
    for name in ("make", "sh", "rm", "sed", "grep", "cp", "mkdir", "env"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    env = {"PATH": str(tools), "HANDOFF_RENDERER_DIR": str(tmp_path / "no-renderer-yet")}
    completed = make(checkout, "run", "ARGS=features/account", env=env)
    output = completed.stdout + completed.stderr
    assert "7 scenarios passed" in output, output
    assert "render them later with: handoff report --results reports/allure-results" in output, output
    assert len(list((checkout / "reports" / "allure-results").glob("*-result.json"))) == 7
    assert completed.returncode == 0, output  # the run passed; only the report is still to render
