"""Links, replays, saved values and cleanups, run as a user runs them: behave on feature files.

The to-do service answers with absolute URLs (tests/other_system/todo_service.py). A
socket that listens and never accepts stands for an address that is none of the
configured services': a refused URL must never reach it.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path

import pytest

from handoff.run.processes import free_port
from tests.other_system.conftest import behave_against
from tests.other_system.todo_service import TodoService
from tests.suite.behave_run import BehaveResult

HERE = Path(__file__).resolve().parent
FEATURES = HERE / "links_features"


@pytest.fixture(scope="module")
def foreign():
    """A listening socket no request may reach."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def todo_service(tmp_path_factory):
    notify_port = free_port()
    service = TodoService(
        tmp_path_factory.mktemp("todo") / "todo.db", notify_url=f"http://127.0.0.1:{notify_port}/notifications"
    ).start()
    service.notify_port = notify_port
    yield service
    service.stop()


def _run(todo_service, foreign, tmp_path, feature: str, *args: str) -> BehaveResult:
    foreign_url = f"http://127.0.0.1:{foreign.getsockname()[1]}"
    return behave_against(
        tmp_path / "run", todo_service, todo_service.notify_port, str(FEATURES / feature), *args,
        environment="todo_links", FOREIGN_URL=foreign_url,
    )  # fmt: skip


def _titles(todo_service) -> list[str]:
    with sqlite3.connect(todo_service.database) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM todos ORDER BY id")]


def _allure_result(result: BehaveResult, name: str) -> dict:
    for path in result.allure_results.glob("*-result.json"):
        found = json.loads(path.read_text())
        if found["name"] == name:
            return found
    raise AssertionError(f"no Allure result for {name!r}")


def test_links_replays_values_and_cleanups_work_after_any_keyword(todo_service, foreign, tmp_path):
    # The service's API description holds for every exchange (a violation would fail the step).
    result = _run(todo_service, foreign, tmp_path, "links_and_state.feature", "-D", "services.todo.contract=enforce")
    assert result.exit_code == 0, result.output[-4000:]
    assert result.statuses() == {"passed": 5}
    assert "handoff: API coverage: todo: 5 of 6 operations" in result.output
    assert "cleaned away" not in _titles(todo_service)  # the deferred DELETE ran
    result = _allure_result(result, "Cleanups run at the end, the last registered first")
    cleanups = [step["name"] for step in result["steps"] if step["name"].startswith("At the end of the scenario: ")]
    assert len(cleanups) == 2, cleanups
    # the most recent first; its {todo_url} filled in when it was registered
    assert re.fullmatch(
        rf'At the end of the scenario: I send a DELETE request to todo "{todo_service.url}/todos/\d+"', cleanups[0]
    )
    assert cleanups[1] == 'At the end of the scenario: the todo database has no row in "todos" with'


@pytest.fixture(scope="module")
def failures(todo_service, foreign, tmp_path_factory) -> BehaveResult:
    result = _run(todo_service, foreign, tmp_path_factory.mktemp("failures"), "that_fail.feature")
    assert result.exit_code == 1, result.output[-4000:]
    return result


def test_a_foreign_url_is_refused_naming_url_service_and_configured_url_and_never_sent(failures, todo_service, foreign):
    foreign_url = f"http://127.0.0.1:{foreign.getsockname()[1]}/todos"
    named = failures.failure_message("A URL at another address is refused for a named service")
    assert f"refused to send a request to {foreign_url}" in named
    assert f"service 'todo', whose configured URL is {todo_service.url} (services.todo.url)" in named
    alone = failures.failure_message("A URL at no configured service's address is refused")
    assert f"refused to send a request to {foreign_url}: it lies under none of the configured" in alone
    assert f"todo = {todo_service.url}" in alone
    with pytest.raises(BlockingIOError):  # no connection is waiting: nothing was sent
        foreign.accept()


def test_saving_one_value_of_a_query_result_says_why_it_cannot(failures):
    no_row = failures.failure_message("A query that returned no row has no value to save")
    assert 'the value of "title" from the query result' in no_row and "actual:   no row" in no_row
    several = failures.failure_message("A query that returned several rows has no one value to save")
    assert "expected: exactly 1 row" in several and "actual:   2 rows" in several and "| one" in several
    column = failures.failure_message("A column the query did not return")
    assert "the result has no column 'count' (its columns: how_many)" in column
    assert "SELECT COUNT(*) AS how_many FROM todos" in column  # the query, as evidence


def test_a_first_match_of_nothing_fails_with_the_exchange(failures):
    message = failures.failure_message("A filter that selects nothing has no first match")
    assert "response values at $.todos[?(@.title == 'not there')].id" in message and "nothing matches" in message
    assert "GET http://127.0.0.1" in message


def test_cleanups_run_after_a_failing_step_and_show_in_the_report(failures, todo_service):
    assert "undone after a failure" not in _titles(todo_service)
    result = _allure_result(failures, "A cleanup runs after a failing step")
    assert result["status"] == "failed"
    assert "response status" in result["statusDetails"]["message"]  # the step's failure, not the cleanup's
    names = [step["name"] for step in result["steps"]]
    cleanup = next(step for step in result["steps"] if step["name"].startswith("At the end of the scenario: "))
    assert cleanup["status"] == "passed"
    assert "DELETE" in cleanup["name"] and "/todos/" in cleanup["name"]
    assert cleanup["attachments"][0]["name"].startswith("DELETE todo /todos/"), cleanup
    assert names.index(cleanup["name"]) == len(names) - 1, names  # after every step, the skipped ones too


def test_a_failing_cleanup_fails_the_scenario_naming_it_and_the_others_still_run(failures, todo_service):
    name = "A failing cleanup fails the scenario and the others still run"
    assert "undone though a cleanup fails" not in _titles(todo_service)  # the DELETE ran after the failed check
    result = _allure_result(failures, name)
    assert result["status"] == "failed"
    message = result["statusDetails"]["message"]
    assert 'cleanup "the response status is 418" failed: ExpectationFailed: response status:' in message
    assert "expected: 418" in message and "actual:   201" in message
    statuses = {step["name"].split(":", 1)[1].strip()[:20]: step["status"] for step in result["steps"][-2:]}
    assert list(statuses.values()) == ["failed", "passed"], result["steps"][-2:]
    assert failures.scenario(name)["status"] != "passed"
    assert "HOOK-ERROR in after_scenario: CleanupFailed" in failures.output


def test_a_cleanup_of_no_known_step_or_without_its_doc_string_fails_at_once(failures):
    message = failures.failure_message("A cleanup that names no step fails where it is written")
    assert 'at the end of the scenario, "I tidy up somehow": no step matches this text' in message
    message = failures.failure_message('A deferred step that ends in "with" needs what follows')
    assert 'ends in "with", but no doc string or table follows' in message
