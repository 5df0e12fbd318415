"""Every exchange with the to-do service held against its OpenAPI description (handoff/contracts).

The description is a file of the test repository (tests/other_system/contracts/todo.yaml);
todo-drifted.yaml is a later version of it in which a field changed type while the
service did not, so that a violation happens for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.other_system.conftest import HERE
from tests.report.conftest import render
from tests.report.test_categories import allure2_category

CONTRACT_FEATURES = str(HERE / "contract_features")
DRIFTED = ("-D", "services.todo.openapi=tests/other_system/contracts/todo-drifted.yaml")


def attachments(result, scenario: str) -> dict[str, str]:
    """Attachment name -> text, of every step of one scenario's Allure result."""
    found = {}
    for path in result.allure_results.glob("*-result.json"):
        data = json.loads(path.read_text())
        if data["name"] != scenario:
            continue
        for step in data.get("steps", []):
            for attachment in step.get("attachments", []):
                found[attachment["name"]] = (result.allure_results / attachment["source"]).read_text()
    return found


def test_every_exchange_is_checked_and_the_coverage_written(run_todo):
    result = run_todo(str(HERE / "features"), CONTRACT_FEATURES)
    assert result.exit_code == 0, result.output[-4000:]
    assert "handoff: API coverage: todo: 3 of 6 operations, " in result.output
    assert "exercised; 0 violations" in result.output
    coverage = json.loads((result.workdir / "reports" / "api-coverage.json").read_text())["services"]["todo"]
    operations = coverage["operations"]
    assert operations["POST /todos"]["201"] > 0 and operations["POST /todos"]["403"] > 0
    assert operations["POST /login"]["204"] > 0 and operations["GET /todos"]["200"] > 0
    assert operations["GET /health"] == {"200": 0}  # the run's own health probe is not the suite's traffic
    assert coverage["violations"] == 0


def test_a_request_rightly_refused_is_a_negative_test_not_a_violation(run_todo):
    result = run_todo(CONTRACT_FEATURES)
    assert result.exit_code == 0, result.output[-4000:]
    found = attachments(result, "A write without its CSRF header is refused, as the description declares")
    refused = found["Request outside the contract, rightly refused: todo"]
    assert "POST /todos -> 403, a status the description declares for it." in refused
    assert "X-CSRFToken" in refused
    assert not [name for name in found if name.startswith("Contract violation")]


def test_in_report_mode_a_violation_is_attached_and_counted_and_the_scenario_goes_on(run_todo):
    result = run_todo(CONTRACT_FEATURES, *DRIFTED, "-n", "CSRF")
    assert result.exit_code == 0, result.output[-4000:]
    found = attachments(result, "A write without its CSRF header is refused, as the description declares")
    assert not [name for name in found if name.startswith("Contract violation")]  # the 403 body has no "done"

    result = run_todo(str(HERE / "features" / "todos.feature"), *DRIFTED, "-n", "Two people")
    assert result.exit_code == 0, result.output[-4000:]
    violation = attachments(result, "Two people keep their own lists, each with their own session cookies")[
        "Contract violation: todo POST /todos"
    ]
    assert "operation: POST /todos" in violation
    assert "in the response at /done" in violation
    assert "the description promises: type: 'string'" in violation
    assert "False is not of type 'string'" in violation
    assert "exercised; 2 violations" in result.output  # "done" in the new to-do and in the list that holds it
    assert (
        json.loads((result.workdir / "reports" / "api-coverage.json").read_text())["services"]["todo"]["violations"]
        == 2
    )


def test_in_enforce_mode_a_violation_fails_the_step_that_sent_the_request(run_todo):
    result = run_todo(CONTRACT_FEATURES, *DRIFTED, "-D", "services.todo.contract=enforce", "-n", "list is as")
    assert result.exit_code == 1, result.output[-4000:]
    message = result.failure_message("A signed-in person's list is as the description says")
    assert message.startswith("handoff.contracts.contracts.ContractViolation: POST http://127.0.0.1:"), message
    assert "/todos -> 201 breaks the API description of 'todo':" in message
    assert "POST /todos: response at /done: False is not of type 'string'" in message
    assert allure2_category("failed", message) == "contract"  # the report's "Contract violations"


def test_the_explicit_check_fails_whatever_the_mode(run_todo):
    result = run_todo(CONTRACT_FEATURES, *DRIFTED, "-D", "services.todo.contract=off", "-n", "list is as")
    assert result.exit_code == 1, result.output[-4000:]
    message = result.failure_message("A signed-in person's list is as the description says")
    assert "ContractViolation" in message and "at /done" in message
    coverage = json.loads((result.workdir / "reports" / "api-coverage.json").read_text())["services"]["todo"]
    assert coverage["operations"]["POST /todos"]["201"] == 0 and coverage["violations"] == 0  # off: not counted


def test_a_description_that_cannot_be_read_stops_the_run_before_its_first_scenario(run_todo):
    result = run_todo(CONTRACT_FEATURES, "-D", "services.todo.openapi=tests/other_system/contracts/nope.yaml")
    assert result.exit_code == 1
    assert "services.todo.openapi = 'tests/other_system/contracts/nope.yaml': no such file" in result.output
    assert result.scenarios == [] or all(s["status"] != "passed" for s in result.scenarios)


def test_an_unknown_contract_mode_names_the_modes(run_todo):
    result = run_todo(CONTRACT_FEATURES, "-D", "services.todo.contract=strict")
    assert result.exit_code == 1
    assert "services.todo.contract = 'strict'" in result.output and "write one of off, report, enforce" in result.output


def test_a_parallel_run_adds_up_its_workers_coverage(run_todo):
    result = run_todo(CONTRACT_FEATURES, "--runner=handoff.parallel.runner:ParallelRunner", "--jobs=2")
    assert result.exit_code == 0, result.output[-4000:]
    assert "handoff: API coverage: todo: 3 of 6 operations, 4 of 15 responses exercised; 0 violations" in result.output
    coverage = json.loads((result.workdir / "reports" / "api-coverage.json").read_text())["services"]["todo"]
    assert coverage["operations"]["POST /login"]["204"] == 2  # one per scenario, each on its own worker


def handoff_command(workdir, *args: str):
    """``handoff ...`` typed in the project folder, with the virtual environment activated."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["handoff", *args], cwd=workdir, env={**os.environ, "PATH": path}, capture_output=True, text=True, timeout=120
    )


def breaks_of(output: str, scenario: str) -> list[str]:
    """The "- ..." lines the diff prints under one scenario."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {scenario}"))
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith("    - "):
            break
        found.append(line.removeprefix("    - "))
    return found


def test_contracts_diff_lists_the_scenarios_a_new_description_would_break(run_todo):
    result = run_todo(str(HERE / "features" / "todos.feature"), CONTRACT_FEATURES)
    assert result.exit_code == 0, result.output[-4000:]
    old, new = str(HERE / "contracts" / "todo.yaml"), str(HERE / "contracts" / "todo-v2.yaml")

    completed = handoff_command(result.workdir, "contracts", "diff", old, new)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "todo: " in output and "recorded exchange(s) of the last run held against" in output
    assert breaks_of(output, "Two people keep their own lists") == [
        "todo GET /todos: the response field /todos/*/title, which the scenario reads, was removed",
        "todo POST /todos: the request field /priority is now required, and the scenario does not send it",
        "todo POST /todos: the response field /done, which the scenario reads, changed type from boolean to string",
        "todo POST /todos: the response field /title, which the scenario reads, was removed",
    ]
    assert breaks_of(output, "A write without the CSRF header is refused") == [
        "todo POST /todos: status 403, which the scenario received, is no longer declared"
    ]
    assert "tags" not in output  # a new optional field breaks nobody

    unchanged = handoff_command(result.workdir, "contracts", "diff", old, old)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "no recorded scenario relies on anything the new description takes away" in unchanged.stdout


def test_contracts_diff_without_a_recorded_run_or_with_a_bad_description_says_what_to_do(tmp_path):
    old = str(HERE / "contracts" / "todo.yaml")
    completed = handoff_command(tmp_path, "contracts", "diff", old, old)
    assert completed.returncode == 2
    assert "no recorded exchanges in reports/api-exchanges.jsonl: run the suite first" in completed.stderr
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [1, 2\n")
    completed = handoff_command(tmp_path, "contracts", "diff", old, "broken.yaml")
    assert (
        completed.returncode == 2 and "broken.yaml" in completed.stderr and "neither JSON nor YAML" in completed.stderr
    )


def test_the_report_shows_the_api_coverage_as_a_page_of_the_run(run_todo, tmp_path):
    result = run_todo(CONTRACT_FEATURES)
    assert result.exit_code == 0, result.output[-4000:]
    report = render(result.allure_results, tmp_path / "report", tmp_path / "history.jsonl")
    pages = [path.read_text() for path in (report / "data" / "attachments").glob("*.html")]
    [page] = [page for page in pages if "<h1>API coverage</h1>" in page]
    assert "todo: 3 of 6 operations, 4 of 15 responses exercised; 0 violations" in page
    assert "<code>POST /todos</code>" in page and "class='unseen'>502</td>" in page


def test_the_explicit_check_of_a_service_without_a_description_says_how_to_name_one(run_todo):
    result = run_todo(CONTRACT_FEATURES, "-D", "services.todo.openapi=", "-n", "list is as")
    assert result.exit_code == 1, result.output[-4000:]
    message = result.failure_message("A signed-in person's list is as the description says")
    assert "service 'todo' has no API description to check against (described: none)" in message
    assert 'services.todo.openapi = "<file, URL or /path it serves>"' in message
    assert not (result.workdir / "reports" / "api-coverage.json").exists()
