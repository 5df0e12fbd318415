"""`handoff report` without Node: the results are kept and the message says what to do."""

from __future__ import annotations

import json

from handoff.cli.main import main
from handoff.report.rendering import renderer_dir


def test_without_node_the_results_are_kept_and_the_command_to_run_later_is_named(tmp_path, monkeypatch, capsys):
    results = tmp_path / "reports" / "allure-results"
    results.mkdir(parents=True)
    (results / "1-result.json").write_text(json.dumps({"name": "a scenario", "status": "passed"}))
    monkeypatch.setenv("PATH", str(tmp_path / "no-node-here"))
    assert main(["report", "--results", str(results), "--output", str(tmp_path / "report")]) == 1
    message = capsys.readouterr().err
    assert "needs Node 20 or newer with npm, and node and npm are not on PATH" in message
    assert f"The results are kept in {results}; render them later with: handoff report --results {results}" in message
    assert (results / "1-result.json").exists()


def test_without_results_it_says_to_run_behave_first(tmp_path, capsys):
    assert main(["report", "--results", str(tmp_path / "nothing")]) == 1
    assert "no Allure results in" in capsys.readouterr().err


def test_the_renderer_folder_follows_the_cache_and_can_be_chosen(tmp_path):
    assert renderer_dir({"XDG_CACHE_HOME": str(tmp_path)}).parent == tmp_path / "handoff"
    assert renderer_dir({"XDG_CACHE_HOME": str(tmp_path)}).name.startswith("renderer-3.18.0-")
    assert renderer_dir({"HANDOFF_RENDERER_DIR": str(tmp_path / "mine")}) == tmp_path / "mine"
