"""Deliberately failing scenarios and broken environments: every failure explains itself."""

from __future__ import annotations

import time

import pytest

from support.processes import free_port
from tests.suite.behave_run import ROOT, run_behave


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory):
    return run_behave(tmp_path_factory.mktemp("failing"), str(ROOT / "tests" / "failing_features"))


def test_the_run_fails(failing_run):
    assert failing_run.exit_code == 1


def test_a_wrong_value_shows_expected_actual_and_the_request(failing_run):
    message = failing_run.failure_message("A wrong cart total")
    assert "Alice's cart total" in message
    assert "expected: '30.00 EUR'" in message
    assert "actual:   '25.00 EUR'" in message
    assert "GET http://127.0.0.1:" in message and "/cart -> 200" in message


def test_wrong_rows_show_both_tables(failing_run):
    message = failing_run.failure_message("Wrong cart lines")
    assert "expected rows:" in message and "actual rows:" in message
    assert "| Blue Mug | 3        | 37.50 EUR  |" in message
    assert "| Blue Mug | 2        | 25.00 EUR  |" in message


def test_a_table_without_a_needed_column_names_it(failing_run):
    message = failing_run.failure_message("A table without a needed column")
    assert "lacks the column(s) stock; it has: product | price" in message


def test_an_unknown_person_is_explained(failing_run):
    message = failing_run.failure_message("A person who was never introduced")
    assert "Carol has not appeared in this scenario yet" in message


def test_a_database_check_names_the_database(failing_run):
    message = failing_run.failure_message("A wrong stock level")
    assert "stock of 'Blue Mug' in the catalog database" in message
    assert "expected: 7" in message and "actual:   10" in message


def test_an_undefined_step_gets_a_snippet(failing_run):
    assert failing_run.scenario("A step nobody has written")["status"] != "passed"
    assert "@when(u'Alice pays with loyalty points')" in failing_run.output


def test_an_unreachable_service_stops_the_run_at_once(tmp_path):
    closed_port = free_port()
    started = time.monotonic()
    result = run_behave(
        tmp_path,
        str(ROOT / "features" / "account"),
        "-D",
        "env=external",
        env={"SHOP_SERVICE_TOKEN": "x" * 16, "HANDOFF_SERVICES__AUTH__URL": f"http://127.0.0.1:{closed_port}"},
    )
    assert result.exit_code == 1
    assert time.monotonic() - started < 30
    assert f"service 'auth' is unreachable at http://127.0.0.1:{closed_port}/health" in result.output
    assert "services.auth.url in config/external.toml" in result.output
    assert result.scenarios == [] or all(s["status"] != "passed" for s in result.scenarios)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-D", "env=staging"), "unknown environment 'staging'"),
        (("-D", "http.timeout=soon"), "invalid value -D http.timeout='soon': expected a number"),
    ],
)
def test_bad_configuration_is_explained(tmp_path, args, message):
    result = run_behave(tmp_path, str(ROOT / "features" / "account"), *args)
    assert result.exit_code == 1
    assert message in result.output
