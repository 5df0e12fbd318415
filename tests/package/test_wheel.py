"""A team's first hour: install the wheel, ``handoff init``, ``behave``, ``handoff report``.

Everything runs in a new virtual environment in a temporary folder, with PYTHONPATH
unset and the working directory outside this checkout, against the to-do service of
tests/other_system (a system that is not the shop).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import handoff
from tests.other_system.todo_service import TodoService
from tests.package.conftest import ROOT, checked, run

TODO_FEATURE = '''Feature: To-dos
  Scenario: A signed-in person adds a to-do
    When I send a POST request to api "/login" with
      """
      {"user": "ann-{unique_id}"}
      """
    And I send the "csrftoken" cookie back as the "X-CSRFToken" header
    And I send a POST request to api "/todos" with
      """
      {"title": "water the plants"}
      """
    Then the response status is 201
    And the response matches
      """
      {"id": "#number", "title": "water the plants", "done": false}
      """
'''

FAILING_FEATURE = """Feature: A deliberate failure
  Scenario: The health check is expected to be a teapot
    When I send a GET request to api "/health"
    Then the response status is 418
"""

SHOP_ONLY_PACKAGES = {"flask", "waitress", "aiosmtpd"}


def _names(requirement_lines) -> set[str]:
    names = set()
    for line in requirement_lines:
        found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if found and not line.lstrip().startswith("#"):
            names.add(found.group(1).lower().replace("_", "-"))
    return names


@pytest.fixture(scope="module")
def todo_service(tmp_path_factory):
    service = TodoService(tmp_path_factory.mktemp("todo") / "todo.db").start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def team_project(installed_wheel, tmp_path_factory) -> Path:
    """An empty folder in which `handoff init` ran, with the wheel's environment as .venv."""
    project = tmp_path_factory.mktemp("team-tests")
    (project / ".venv").symlink_to(installed_wheel.venv, target_is_directory=True)
    checked(run([".venv/bin/handoff", "init"], project, 60))
    return project


def test_the_wheel_depends_on_none_of_the_shops_packages(installed_wheel):
    shop_packages = _names((ROOT / "shop" / "requirements.txt").read_text().splitlines())
    with zipfile.ZipFile(installed_wheel.wheel) as wheel:
        metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        required = [
            line.split(":", 1)[1]
            for line in wheel.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    assert shop_packages - _names(required) >= SHOP_ONLY_PACKAGES  # the shop's own, not shared with Handoff
    assert not _names(required) & SHOP_ONLY_PACKAGES
    listed = checked(
        run([installed_wheel.bin / "python", "-m", "pip", "list", "--format=json"], installed_wheel.venv, 60)
    )
    installed = {entry["name"].lower() for entry in json.loads(listed.stdout)}
    assert "handoff-bdd" in installed
    assert not installed & SHOP_ONLY_PACKAGES, f"the wheel pulled in {installed & SHOP_ONLY_PACKAGES}"


def test_the_installed_package_cannot_see_this_checkout(installed_wheel, tmp_path):
    probe = (
        "import importlib.util, handoff; print(handoff.__file__); "
        "print([m for m in ('shop', 'support', 'steps', 'tests') if importlib.util.find_spec(m)])"
    )
    printed = checked(run([installed_wheel.bin / "python", "-c", probe], tmp_path, 60)).stdout.splitlines()
    assert printed[0].startswith(str(installed_wheel.venv)) and not printed[0].startswith(str(ROOT))
    assert printed[1] == "[]"
    version = checked(run([installed_wheel.bin / "handoff", "--version"], tmp_path, 60)).stdout
    assert version.strip() == f"handoff {handoff.__version__}"


def test_the_new_project_passes_a_dry_run_at_once(team_project):
    assert (team_project / "requirements.txt").read_text().count(f"handoff-bdd=={handoff.__version__}") == 1
    checked(run([".venv/bin/behave", "--dry-run"], team_project, 120))


def test_the_new_project_tests_another_system_and_reports_it(team_project, todo_service):
    (team_project / "features" / "todos.feature").write_text(TODO_FEATURE)
    shutil.rmtree(team_project / "reports" / "allure-results", ignore_errors=True)  # the dry run's
    passed = run([".venv/bin/behave"], team_project, 180, env={"API_URL": todo_service.url})
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 scenarios passed, 0 failed" in passed.stdout
    results = team_project / "reports" / "allure-results"
    found = [json.loads(path.read_text()) for path in results.glob("*-result.json")]
    assert sorted(r["status"] for r in found) == ["passed", "passed"]
    attached = {a["name"] for r in found for step in r["steps"] for a in step.get("attachments", [])}
    assert "POST api /todos -> 201" in attached and "GET api /health -> 200" in attached
    exchange = next(
        (results / a["source"]).read_text()
        for r in found
        for step in r["steps"]
        for a in step.get("attachments", [])
        if a["name"] == "POST api /todos -> 201"
    )
    assert "water the plants" in exchange and "201" in exchange
    properties = (results / "environment.properties").read_text()
    assert f"version.handoff-bdd={handoff.__version__}" in properties


def test_a_failing_scenario_fails_with_its_message(team_project, todo_service):
    (team_project / "features" / "deliberate_failure.feature").write_text(FAILING_FEATURE)
    try:
        failed = run([".venv/bin/behave"], team_project, 180, env={"API_URL": todo_service.url})
    finally:
        (team_project / "features" / "deliberate_failure.feature").unlink()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "1 failed" in failed.stdout
    results = [json.loads(p.read_text()) for p in (team_project / "reports" / "allure-results").glob("*-result.json")]
    teapot = next(r for r in results if r["name"] == "The health check is expected to be a teapot")
    assert teapot["status"] == "failed"
    assert "418" in teapot["statusDetails"]["message"] and "200" in teapot["statusDetails"]["message"]
    assert "418" in failed.stdout


def test_init_again_keeps_what_the_team_edited_and_force_replaces_it(installed_wheel, tmp_path):
    (tmp_path / ".venv").symlink_to(installed_wheel.venv, target_is_directory=True)
    checked(run([".venv/bin/handoff", "init"], tmp_path, 60))
    config = tmp_path / "config" / "local.toml"
    config.write_text('[services.api]\nurl = "http://127.0.0.1:9999"\n')
    again = checked(run([".venv/bin/handoff", "init"], tmp_path, 60))
    assert "kept      config/local.toml" in again.stdout
    assert config.read_text() == '[services.api]\nurl = "http://127.0.0.1:9999"\n'
    forced = checked(run([".venv/bin/handoff", "init", "--force"], tmp_path, 60))
    assert "replaced  config/local.toml" in forced.stdout
    assert "${API_URL:-http://127.0.0.1:8080}" in config.read_text()


def test_handoff_run_runs_behave_afresh_and_renders_the_report(team_project, todo_service):
    rendered = run(
        [".venv/bin/handoff", "run", "--tags=not @wip"], team_project, 600, env={"API_URL": todo_service.url}
    )
    if rendered.returncode != 0 and "needs Node" in rendered.stderr and os.environ.get("CI") != "true":
        pytest.skip(rendered.stderr.strip())
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert "2 scenarios passed, 0 failed" in rendered.stdout  # the earlier runs' results were cleared
    assert "Allure report: reports/allure-report/index.html (serve it: " in rendered.stdout
    statuses = [
        json.loads(p.read_text())["status"] for p in (team_project / "reports" / "allure-results").glob("*-result.json")
    ]
    assert statuses == ["passed", "passed"]
    report = team_project / "reports" / "allure-report"
    assert (report / "index.html").is_file()
    assert "The health check says the service is up" in "\n".join(
        p.read_text(errors="replace") for p in report.rglob("*.json")
    )
    assert (team_project / "reports" / "allure-history.jsonl").is_file()
