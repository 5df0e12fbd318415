"""A flake score per scenario: how often its outcome flipped over the last runs in the history.

Allure's history file (``reports/allure-history.jsonl``, one line per rendered run) holds
each run's status per test. Before a report is rendered, every result of this run gets a
tag ``flake score F/N``: in the last N runs including this one, F times its outcome
changed from passing to failing or back. 0 is steady (always green, or always red); a
high score is a scenario to fix or quarantine (handoff/report/quarantine.py). The
report's tree and each test's page show the tag.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

WINDOW = 10  # runs, this one included
PASSING = ("passed", "skipped")
TAG_PREFIX = "flake score "


def flips(statuses: list[str]) -> int:
    """How often consecutive outcomes differ, counting passed/skipped as one and failed/broken as the other."""
    outcomes = [status in PASSING for status in statuses]
    return sum(1 for before, after in itertools.pairwise(outcomes) if before != after)


def earlier_statuses(history_path: Path, limit: int = WINDOW - 1) -> dict[str, list[str]]:
    """Full name -> its statuses in the last ``limit`` runs of the history, oldest first.

    By full name ("Feature: Scenario"): the history's ids are Allure's own, not the ones
    allure-behave writes into the results."""
    if not history_path.is_file():
        return {}
    runs = [line for line in history_path.read_text(encoding="utf-8").splitlines() if line.strip()][-limit:]
    statuses: dict[str, list[str]] = {}
    for line in runs:
        try:
            results = json.loads(line).get("testResults", {})
        except ValueError:
            continue
        for result in results.values():
            statuses.setdefault(result.get("fullName", ""), []).append(result.get("status", "unknown"))
    return statuses


def tag_flake_scores(results_dir: Path, history_path: Path) -> int:
    """Tag every result of this run with its flake score; returns how many results were tagged."""
    earlier = earlier_statuses(history_path)
    tagged = 0
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        name = result.get("fullName")
        if not name:
            continue
        statuses = [*earlier.get(name, []), result.get("status", "unknown")]
        labels = [label for label in result.get("labels", []) if not str(label.get("value", "")).startswith(TAG_PREFIX)]
        labels.append({"name": "tag", "value": f"{TAG_PREFIX}{flips(statuses)}/{len(statuses)}"})
        result["labels"] = labels
        path.write_text(json.dumps(result), encoding="utf-8")
        tagged += 1
    return tagged
