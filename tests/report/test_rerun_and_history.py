"""Reruns end in the same report with flaky scenarios marked; history carries between runs."""

from __future__ import annotations

import json
import subprocess
import sys

from handoff.report.results import EXIT_FLAKY
from tests.report.conftest import FEATURES, render
from tests.suite.behave_run import ROOT, run_behave


def rendered(report) -> dict[str, dict]:
    """Scenario name -> the result the report shows (earlier attempts are its retries)."""
    results = (json.loads(p.read_text()) for p in (report / "data" / "test-results").glob("*.json"))
    return {r["name"]: r for r in results if not r["isRetry"]}


def test_a_scenario_that_passes_only_on_a_rerun_is_flaky_in_one_report(tmp_path):
    env = {"HANDOFF_FLAKY_MARKER": str(tmp_path / "marker")}
    first = run_behave(tmp_path, str(FEATURES / "flaky.feature"), env=env)
    assert first.exit_code == 1
    failed = [s["location"] for s in first.scenarios if s["status"] != "passed"]
    assert len(failed) == 1
    (tmp_path / "rerun.txt").write_text("\n".join(failed) + "\n")
    rerun = run_behave(tmp_path, "@rerun.txt", env=env)
    assert rerun.exit_code == 0
    assert [s["name"] for s in rerun.scenarios if s["status"] != "skipped"] == ["Passes on the second attempt"]

    outcome = subprocess.run(
        [
            sys.executable,
            "-m",
            "handoff.report.results",
            "after-rerun",
            str(first.allure_results),
            "--behave-status",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert outcome.returncode == EXIT_FLAKY, outcome.stdout + outcome.stderr
    assert "rerun: FLAKY (failed, then passed on a rerun): Flaky: Passes on the second attempt" in outcome.stdout

    report = render(first.allure_results, tmp_path / "report", tmp_path / "history.jsonl")
    results = rendered(report)
    flaky = results["Passes on the second attempt"]
    assert flaky["status"] == "passed" and flaky["flaky"] is True and flaky["retriesCount"] == 1
    assert [c["name"] for c in flaky["categories"]] == ["Flaky: passed only on a rerun"]
    assert results["Always passes"]["flaky"] is False
    summary = json.loads((report / "summary.json").read_text())
    assert summary["stats"]["total"] == 2 and summary["flakyTests"] == [flaky["id"]]


def test_history_carries_into_the_next_render_without_counting_a_run_twice(classified_run, tmp_path):
    history = tmp_path / "history.jsonl"
    render(classified_run.allure_results, tmp_path / "first", history)
    render(classified_run.allure_results, tmp_path / "again", history)  # e.g. after a rerun, or as a single file
    assert len(history.read_text().splitlines()) == 1

    later = run_behave(tmp_path / "later", str(FEATURES / "classified_failures.feature"))
    report = render(later.allure_results, tmp_path / "later-report", history)
    assert len(history.read_text().splitlines()) == 2
    failing = rendered(report)["The product answers wrongly"]
    assert [h["status"] for h in failing["history"]] == ["failed"]  # the earlier run, shown in this report


def test_make_clean_keeps_the_history_unless_asked():
    clean = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout
    forget = subprocess.run(["make", "-n", "clean-history"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "allure-history" not in clean and "reports/allure-results" in clean
    assert "allure-history.jsonl" in forget.stdout
