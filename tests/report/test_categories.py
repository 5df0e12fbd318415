"""Every kind of failure lands in the category that says whose problem it is."""

from __future__ import annotations

import json
import re

import pytest

from handoff.report.metadata import categories
from handoff.run.processes import free_port
from tests.report.conftest import render
from tests.suite.behave_run import ROOT, run_behave

EXPECTED = {
    "The product answers wrongly": "product",
    "A service is not running": "infrastructure",
    "A service never answers": "infrastructure",
    "A database cannot be opened": "infrastructure",
    "A step is not written yet": "test",
    "The step code has a bug": "test",
    "A passing scenario": None,
    "A service dies mid-run": "infrastructure",
}
RULES = json.loads((ROOT / "handoff" / "report" / "categories.json").read_text())


def rendered_categories(report) -> dict[str, str | None]:
    """Scenario name -> the id of the category the rendered report shows it in."""
    ids = {rule["name"]: rule["id"] for rule in RULES}
    found = {}
    for path in (report / "data" / "test-results").glob("*.json"):
        result = json.loads(path.read_text())
        names = [category["name"] for category in result.get("categories") or []]
        found[result["name"]] = ids.get(names[0], names[0]) if names else None
    return found


def allure2_category(status: str, message: str | None, flaky: bool = False) -> str | None:
    """How Allure 2 matches categories.json: status, whole-message regex, flaky flag."""
    for rule in RULES:
        if rule.get("matchedStatuses") and status not in rule["matchedStatuses"]:
            continue
        if "messageRegex" in rule and (message is None or not re.fullmatch(rule["messageRegex"], message)):
            continue
        if "flaky" in rule and rule["flaky"] != flaky:
            continue
        return rule["id"]
    return None


def test_each_scenario_is_in_the_right_category_of_the_report(classified_run, classified_report):
    assert classified_run.exit_code == 1
    assert rendered_categories(classified_report) == EXPECTED


def test_allure2_readers_get_the_same_categories(classified_run):
    copied = json.loads((classified_run.allure_results / "categories.json").read_text())
    assert copied == categories() and [rule["name"] for rule in copied] == [rule["name"] for rule in RULES]
    for path in classified_run.allure_results.glob("*-result.json"):
        result = json.loads(path.read_text())
        message = result.get("statusDetails", {}).get("message")
        assert allure2_category(result["status"], message) == EXPECTED[result["name"]], result["name"]


def test_words_like_timeout_in_an_assertion_do_not_make_it_infrastructure():
    message = (
        "handoff.matching.checker.ExpectationFailed: the order's state:\n  expected: 'paid'\n  actual:   'timed out'\n"
    )
    assert allure2_category("failed", message) == "product"
    assert (
        allure2_category(
            "broken",
            "handoff.database.databases.DatabaseUnreachable: database 'x' failed SELECT nope: "
            'ProgrammingError: syntax error at or near "nope"\n',
        )
        == "test"
    )


def test_a_scenario_that_passed_only_on_a_rerun_is_flaky():
    assert allure2_category("passed", None, flaky=True) == "flaky"
    assert allure2_category("passed", None) is None


def test_an_environment_that_is_not_ready_is_reported_as_infrastructure(tmp_path):
    closed_port = free_port()
    result = run_behave(
        tmp_path,
        str(ROOT / "tests" / "report" / "features" / "classified_failures.feature"),
        "-D",
        "env=external",
        env={"SHOP_SERVICE_TOKEN": "x" * 16, "HANDOFF_SERVICES__AUTH__URL": f"http://127.0.0.1:{closed_port}"},
    )
    assert result.exit_code == 1
    report = render(result.allure_results, tmp_path / "report", tmp_path / "history.jsonl")
    assert rendered_categories(report) == {"The test environment is ready": "infrastructure"}
    message = next(result.allure_results.glob("*-result.json")).read_text()
    assert "handoff.run.test_run.EnvironmentNotReady: service 'auth' is unreachable" in message


def test_a_service_that_died_is_named_with_its_exit_status(classified_run):
    message = classified_run.failure_message("A service dies mid-run")
    assert message.startswith("handoff.run.processes.ServiceDied: service 'catalog' (process ")
    assert "ended with exit status -9 during the run" in message
    assert "The step's own error: service 'catalog' is unreachable" in message


@pytest.mark.parametrize(
    "message",
    [
        "handoff.containers.engine.EngineUnavailable: no Docker engine answers at unix:///var/run/docker.sock\n",
        "handoff.containers.images.ImageError: building image handoff-shop failed: step 3\n",
        "handoff.run.processes.ServiceDied: service 'catalog' (process 12) ended with exit status -9\n",
    ],
)
def test_an_engine_an_image_or_a_dead_service_is_infrastructure(message):
    assert allure2_category("broken", message) == "infrastructure"
