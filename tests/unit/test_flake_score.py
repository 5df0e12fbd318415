"""Flake scores from the history: flips between passing and failing over the last runs."""

from __future__ import annotations

import json

from handoff.report.flake_score import flips, tag_flake_scores


def test_flips_count_changes_between_passing_and_failing():
    assert flips(["passed", "passed", "passed"]) == 0
    assert flips(["failed", "broken", "failed"]) == 0  # steadily red is not flaky
    assert flips(["passed", "failed", "passed", "failed"]) == 3
    assert flips(["passed", "skipped", "failed"]) == 1


def test_each_result_is_tagged_with_its_score_over_the_history(tmp_path):
    history = tmp_path / "history.jsonl"
    runs = ["passed", "failed", "passed"]
    history.write_text(
        "".join(
            json.dumps({"testResults": {"allure-id": {"fullName": "F: one", "status": status}}}) + "\n"
            for status in runs
        )
    )
    results = tmp_path / "results"
    results.mkdir()
    (results / "a-result.json").write_text(json.dumps({"fullName": "F: one", "status": "failed", "labels": []}))
    (results / "b-result.json").write_text(json.dumps({"fullName": "F: two", "status": "passed", "labels": []}))
    assert tag_flake_scores(results, history) == 2
    tags = {
        json.loads(path.read_text())["fullName"]: [
            label["value"] for label in json.loads(path.read_text())["labels"] if label["name"] == "tag"
        ]
        for path in results.glob("*-result.json")
    }
    assert tags == {"F: one": ["flake score 3/4"], "F: two": ["flake score 0/1"]}
    tag_flake_scores(results, history)  # rendering again replaces the tag, never adds a second
    assert [label["value"] for label in json.loads((results / "a-result.json").read_text())["labels"]] == [
        "flake score 3/4"
    ]
