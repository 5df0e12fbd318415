"""The Allure results folder between a run and its rendering: reruns and history.

* After ``make rerun`` the folder holds every attempt of a rerun scenario (allure-behave
  writes a new result each time; Allure shows the earlier ones as its retries). A
  scenario whose last attempt passed after an earlier one failed is *flaky*: its last
  result gets ``statusDetails.flaky = true``, which Allure 3 reads as the test's flaky
  mark (and the "Flaky" category in handoff/report/categories.json collects them). The
  "skipped" results a rerun writes for the scenarios it did not select are removed.
* Before each rendering, history points written for these same results are dropped, so
  rendering again (after a rerun, or as a single file) replaces this run's point in
  ``reports/allure-history.jsonl`` instead of counting the run twice.

* A run that ran no scenario, or failed before its first one, leaves no results of
  allure-behave's: a report of them would say "0 tests, passed". ``after-run`` (behave
  failed) and ``before-render`` (nothing at all to show) write a broken result instead,
  saying why: the malformed feature file and line, behave's status, or that nothing was
  selected.

Command line (used by the Makefile)::

    python -m handoff.report.results after-run <results> --behave-status <code> [--features DIR]
        (exits with the run's outcome: behave's status, 0 if only quarantined scenarios failed)
    python -m handoff.report.results before-render <results> <history.jsonl>
    python -m handoff.report.results after-rerun <results> --behave-status <code>
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from handoff.report import quarantine
from handoff.report.metadata import write_run_failure

BAD = ("failed", "broken")
EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_FLAKY = 3  # everything passed, but some scenarios only on a rerun


@dataclass
class Outcome:
    passed: list[str] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.failing:
            return EXIT_FAILED
        return EXIT_FLAKY if self.flaky else EXIT_PASSED


def read_results(results_dir: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(results_dir.glob("*-result.json")):
        try:
            found.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found


def attempts_by_scenario(results: list[tuple[Path, dict]]) -> dict[tuple, list[tuple[Path, dict]]]:
    """Every attempt of each scenario (an outline row is its own scenario), oldest first."""
    grouped: dict[tuple, list[tuple[Path, dict]]] = {}
    for path, result in results:
        params = tuple(sorted((p.get("name", ""), str(p.get("value", ""))) for p in result.get("parameters") or []))
        key = (result.get("testCaseId") or result.get("historyId") or result.get("fullName"), params)
        grouped.setdefault(key, []).append((path, result))
    for attempts in grouped.values():
        attempts.sort(key=lambda item: item[1].get("start") or 0)
    return grouped


def drop_unselected(results_dir: Path, attempts: list[tuple[Path, dict]]) -> list[tuple[Path, dict]]:
    """Remove the "skipped" results a rerun writes for the scenarios it did not select."""
    kept = attempts[:1]
    for path, result in attempts[1:]:
        if result.get("status") == "skipped":
            for attachment in result.get("attachments") or []:
                (results_dir / attachment.get("source", "")).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        else:
            kept.append((path, result))
    return kept


def mark_flaky(results_dir: Path) -> Outcome:
    """Mark scenarios that passed only on a rerun as flaky; say how each scenario ended."""
    outcome = Outcome()
    for all_attempts in attempts_by_scenario(read_results(results_dir)).values():
        attempts = drop_unselected(results_dir, all_attempts)
        path, last = attempts[-1]
        name = last.get("fullName") or last.get("name", "?")
        if last.get("status") in BAD:
            outcome.failing.append(name)
        elif last.get("status") == "passed" and any(r.get("status") in BAD for _, r in attempts[:-1]):
            outcome.flaky.append(name)
            details = last.setdefault("statusDetails", {})
            if not details.get("flaky"):
                details["flaky"] = True
                details.setdefault(
                    "message", f"Flaky: passed on attempt {len(attempts)} after failing {len(attempts) - 1} time(s)"
                )
                path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
        else:
            outcome.passed.append(name)
    return outcome


def forget_history_of(results_dir: Path, history_path: Path) -> int:
    """Drop history points written after these results began; returns how many."""
    starts = [r.get("start") for _, r in read_results(results_dir) if r.get("start")]
    if not starts or not history_path.is_file():
        return 0
    since = min(starts)
    kept, dropped = [], 0
    for line in history_path.read_text(encoding="utf-8").splitlines():
        try:
            timestamp = json.loads(line).get("timestamp", 0)
        except ValueError:
            timestamp = 0
        if timestamp >= since:
            dropped += 1
        else:
            kept.append(line)
    if dropped:
        history_path.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
    return dropped


def has_results(results_dir: Path) -> bool:
    return any(results_dir.glob("*-result.json")) if results_dir.is_dir() else False


def after_run(results_dir: Path, behave_status: int, features: Path, say=print) -> int:
    """What a run's outcome is, once behave is done: its status, unless only quarantined scenarios failed.

    A run that left no results gets a broken one saying why (see the module's doc).
    """
    if explain_a_run_without_results(results_dir, behave_status, features):
        say(f"handoff: the run left no scenario results; {results_dir} now holds one broken result saying why")
        return behave_status
    if explain_an_empty_run(results_dir):
        say(f"handoff: no scenario ran; {results_dir} holds one broken result saying so")
        return behave_status or EXIT_FAILED
    outcome = quarantine.apply(results_dir)
    for name in outcome.muted:
        say(f"handoff: QUARANTINED, failure not counted: {name}")
    for name in outcome.expired:
        say(f"handoff: quarantine EXPIRED, failure counted again: {name}")
    if behave_status == EXIT_FAILED and outcome.only_muted_failures:
        say("handoff: only quarantined scenarios failed: the run passes (they stay in the report)")
        return EXIT_PASSED
    return behave_status


def explain_a_run_without_results(results_dir: Path, behave_status: int, features: Path) -> Path | None:
    """After behave: a failed run that left no scenario results gets one broken result saying why."""
    if behave_status == 0 or has_results(results_dir):
        return None
    problem = first_malformed_feature(features)
    if problem:
        message = f"the run stopped before its first scenario: a feature file does not parse: {problem}"
    else:
        message = (
            f"the run stopped before its first scenario: behave ended with status {behave_status} "
            "(a configuration or command-line error; its console output says which)"
        )
    return write_run_failure(results_dir, "The run started its scenarios", message)


def explain_an_empty_run(results_dir: Path) -> Path | None:
    """Before rendering: a results folder with no result in it would render as a green, empty report."""
    if has_results(results_dir):
        return None
    return write_run_failure(
        results_dir,
        "The run started its scenarios",
        "no scenario ran, so there is nothing to report: the tags, names or paths selected none, "
        "or the run never started (see its console output)",
    )


def first_malformed_feature(features: Path) -> str | None:
    """``path:line: reason`` of the first feature file under ``features`` that does not parse."""
    from behave.parser import ParserError, parse_file

    for path in sorted(features.rglob("*.feature")) if features.is_dir() else []:
        try:
            parse_file(str(path))
        except ParserError as error:
            line = f":{error.line}" if getattr(error, "line", None) else ""
            reason = str(error).strip().splitlines()[0]
            return f"{path}{line}: {reason}"
        except (OSError, UnicodeDecodeError) as error:
            return f"{path}: {error}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff.report.results")
    commands = parser.add_subparsers(dest="command", required=True)
    before = commands.add_parser("before-render")
    before.add_argument("results", type=Path)
    before.add_argument("history", type=Path)
    run = commands.add_parser("after-run")
    run.add_argument("results", type=Path)
    run.add_argument("--behave-status", type=int, required=True)
    run.add_argument("--features", type=Path, default=Path("features"))
    after = commands.add_parser("after-rerun")
    after.add_argument("results", type=Path)
    after.add_argument("--behave-status", type=int, default=0)
    args = parser.parse_args(argv)

    if args.command == "after-run":
        return after_run(args.results, args.behave_status, args.features)
    if args.command == "before-render":
        if explain_an_empty_run(args.results):
            print(f"handoff: no scenario ran; the report shows one broken result saying so ({args.results})")
        forget_history_of(args.results, args.history)
        return 0
    outcome = mark_flaky(args.results)
    for name in outcome.flaky:
        print(f"rerun: FLAKY (failed, then passed on a rerun): {name}")
    for name in outcome.failing:
        print(f"rerun: STILL FAILING: {name}")
    if args.behave_status not in (0, 1):  # a usage or configuration error: behave's code says it best
        return args.behave_status
    code = outcome.exit_code
    summary = {
        EXIT_PASSED: "every scenario passed",
        EXIT_FAILED: f"{len(outcome.failing)} scenario(s) still failing",
        EXIT_FLAKY: f"every scenario passed, {len(outcome.flaky)} only on a rerun (flaky); exit code {EXIT_FLAKY}",
    }[code]
    print(f"rerun: {summary}")
    return code


if __name__ == "__main__":
    sys.exit(main())
