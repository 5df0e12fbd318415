"""What the report says about the run: environment, versions, CI job, categories."""

from __future__ import annotations

import json

import handoff
from handoff.report.metadata import executor


def test_environment_properties_name_the_environment_services_and_versions(classified_run):
    lines = (classified_run.allure_results / "environment.properties").read_text().splitlines()
    properties = dict(line.split("=", 1) for line in lines)
    assert properties["environment"] == "local"
    assert properties["service.orders"].startswith("http://127.0.0.1:")
    assert properties["database.orders"] == "sqlite"
    assert properties["version.shop"] == "1.0.0"
    assert properties["version.handoff-bdd"] == handoff.__version__  # the editable install resolves too
    assert properties["version.behave"] == "1.3.3" and properties["version.allure-behave"] == "2.16.2"
    assert {"python", "version.requests", "version.SQLAlchemy", "run.id"} <= properties.keys()
    assert json.loads((classified_run.allure_results / "executor.json").read_text())["type"] in {
        "local",
        "github",
        "gitlab",
        "jenkins",
    }


def test_executor_names_the_ci_job_with_a_link_back():
    github = executor(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_RUN_ID": "991",
            "GITHUB_RUN_NUMBER": "42",
            "GITHUB_WORKFLOW": "ci",
            "GITHUB_JOB": "test",
        },
        "r1",
    )
    assert github["buildUrl"] == "https://github.com/acme/shop/actions/runs/991" and github["buildOrder"] == 42
    gitlab = executor({"GITLAB_CI": "true", "CI_PIPELINE_IID": "7", "CI_JOB_URL": "https://gl/j/1"}, "r1")
    assert gitlab["type"] == "gitlab" and gitlab["buildUrl"] == "https://gl/j/1"
    jenkins = executor({"JENKINS_URL": "https://ci/", "BUILD_NUMBER": "5", "BUILD_URL": "https://ci/job/5/"}, "r1")
    assert jenkins["type"] == "jenkins" and jenkins["buildOrder"] == 5
    local = executor({}, "r1")
    assert local["type"] == "local" and "r1" in local["buildName"]


def test_labels_from_tags_reach_the_results(suite_run):
    results = [json.loads(p.read_text()) for p in suite_run.allure_results.glob("*-result.json")]
    happy = next(r for r in results if r["name"] == "Paying with an approved card")
    labels = {(label["name"], label["value"]) for label in happy["labels"]}
    assert {("epic", "Checkout"), ("feature", "Checking out"), ("story", "Card_payment")} <= labels
    assert {("owner", "payments-team"), ("severity", "blocker")} <= labels
    assert [value for name, value in labels if name == "feature"] == ["Checking out"]  # no duplicate
