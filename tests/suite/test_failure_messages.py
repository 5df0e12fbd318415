"""Deliberately failing scenarios and broken environments: every failure explains itself."""

from __future__ import annotations

import time

import pytest

from handoff.run.processes import free_port
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


@pytest.fixture(scope="module")
def generic_failures(tmp_path_factory):
    return run_behave(
        tmp_path_factory.mktemp("generic"), str(ROOT / "tests" / "failing_features" / "generic_failures.feature")
    )


def test_a_payload_difference_lists_each_path_and_both_payloads(generic_failures):
    message = generic_failures.failure_message("A payload that differs")
    assert "2 difference(s):" in message
    assert "$.price_cents: expected 600, got 500" in message
    assert '$.currency: expected #number, got "EUR"' in message
    assert "expected:" in message and "actual:" in message
    assert "GET http://127.0.0.1:" in message


def test_a_missing_row_shows_the_rows_that_are_there_and_the_query(generic_failures):
    message = generic_failures.failure_message("A database row that is not there")
    assert "expected a row like:" in message
    assert "| id " in message and "| 3     |" in message
    assert "[catalog] SELECT" in message


def test_bad_input_in_a_feature_is_explained(generic_failures):
    assert "not valid JSON: Expecting property name enclosed in double quotes at line 1" in (
        generic_failures.failure_message("A doc string that is not JSON")
    )
    assert "unknown service 'billing'" in generic_failures.failure_message("A service nobody configured")
    assert "unknown database 'billing' (this environment declares: auth, cart, catalog" in (
        generic_failures.failure_message("A database nobody configured")
    )
    assert "no variable 'prodcut_id'" in generic_failures.failure_message("A variable nobody saved")


def test_waiting_reports_attempts_and_the_last_failure(generic_failures):
    message = generic_failures.failure_message("Waiting gives up and says how long it tried")
    assert "still failing after 0.5 s and" in message and "attempts" in message
    assert "response status:" in message and "actual:   404" in message


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


def test_a_postgresql_server_that_refuses_shows_the_create_error_and_names_the_setting(tmp_path):
    closed_port = free_port()
    result = run_behave(
        tmp_path,
        str(ROOT / "features" / "account"),
        "-D",
        "env=postgres",
        env={"HANDOFF_PG_URL": f"postgresql://nobody@127.0.0.1:{closed_port}"},
    )
    assert result.exit_code == 1
    first_error = next(line for line in result.output.splitlines() if "HOOK-ERROR" in line)
    assert "could not create the throw-away database" in first_error, result.output
    assert "DROP DATABASE" not in result.output  # nothing was made, so nothing is dropped: no second error
    assert "the role needs LOGIN and CREATEDB" in first_error


def test_a_database_url_that_is_no_url_names_its_key_and_variable(tmp_path):
    result = run_behave(tmp_path, str(ROOT / "features" / "account"), "-D", "env=postgres", env={"HANDOFF_PG_URL": ""})
    assert result.exit_code == 1
    assert "is not a database URL such as postgresql://" in result.output
    assert "databases.auth.url in config/postgres.toml, from HANDOFF_PG_URL" in result.output


def test_an_unset_server_variable_is_named(tmp_path):
    (tmp_path / "config").mkdir()
    closed_port = free_port()
    (tmp_path / "config" / "pg.toml").write_text(
        f'[databases.main]\nurl = "${{TEAM_PG_URL:-postgresql://nobody@127.0.0.1:{closed_port}}}/handoff_{{run_id}}_main"\n'
        "create = true\n"
    )
    result = run_behave(
        tmp_path / "run",
        str(ROOT / "features" / "account"),
        "-D",
        "env=pg",
        env={"HANDOFF_CONFIG_DIR": str(tmp_path / "config")},
    )
    assert result.exit_code == 1
    assert "from TEAM_PG_URL (not set: the file's default for TEAM_PG_URL was used)" in result.output, result.output


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


def test_a_hanging_step_is_ended_by_the_step_timeout_and_the_run_goes_on(tmp_path):
    result = run_behave(
        tmp_path, str(ROOT / "tests" / "failing_features" / "hanging_step.feature"), "-D", "step.timeout=0.3"
    )
    assert result.exit_code == 1
    message = result.failure_message("The payment gateway keeps a request waiting")
    assert "timed out: it ran longer than 0.3 s (step.timeout" in message
    assert result.scenario("The next scenario runs as usual")["status"] == "passed"


def _project_beside(tmp_path):
    """A folder whose features use the project's steps and hooks (as a team's repository would)."""
    tmp_path.mkdir(parents=True)
    (tmp_path / "steps").symlink_to(ROOT / "steps")
    (tmp_path / "environment.py").symlink_to(ROOT / "environment.py")
    return tmp_path


def test_malformed_gherkin_names_the_file_and_line(tmp_path):
    project = _project_beside(tmp_path / "project")
    (project / "broken.feature").write_text(
        "Feature: Broken\n  Scenario: One\n    Given Alice has an account\n  Oops\n"
    )
    result = run_behave(tmp_path / "run", str(project / "broken.feature"))
    assert result.exit_code != 0
    assert "broken.feature" in result.output and "line 4" in result.output.lower(), result.output[-2000:]


def test_an_ambiguous_step_definition_is_refused_with_both_places(tmp_path):
    project = _project_beside(tmp_path / "project")
    (project / "steps").unlink()
    (project / "steps").mkdir()
    for module in (ROOT / "steps").glob("*.py"):
        (project / "steps" / module.name).symlink_to(module)
    (project / "steps" / "team_steps.py").write_text(
        "from behave import given\n\n\n"
        "@given('{name:Person} has an account')\n"
        "def step_twice(context, name):\n    pass\n"
    )
    (project / "one.feature").write_text("Feature: One\n  Scenario: One\n    Given Alice has an account\n")
    result = run_behave(tmp_path / "run", str(project / "one.feature"))
    assert result.exit_code != 0
    assert "AmbiguousStep" in result.output and "has already been defined" in result.output


def test_a_service_that_hangs_fails_the_call_after_the_http_timeout_naming_it(tmp_path):
    result = run_behave(
        tmp_path, str(ROOT / "tests" / "failing_features" / "hanging_step.feature"), "-D", "http.timeout=0.3"
    )
    assert result.exit_code == 1
    message = result.failure_message("The payment gateway keeps a request waiting")
    assert "ServiceTimeout: service 'gateway' did not answer POST http://127.0.0.1:" in message
    assert "/charges within 0.3 s (http.timeout)" in message


def test_gherkin_that_cannot_mean_what_it_says_fails_naming_file_and_line(tmp_path):
    result = run_behave(tmp_path, str(ROOT / "tests" / "malformed_features"))
    assert result.exit_code == 1
    assert 'open_doc_string.feature:5: a doc string opened here with """ is never closed' in result.output
    assert (
        'stray_bodies.feature:4: "When I send a POST request to catalog "/products" with" ends in "with", '
        "but no doc string or table follows"
    ) in result.output
    assert 'stray_bodies.feature:9: "Then the response status is 200" has a table under it' in result.output
    assert "does not read one: remove the table, or use a phrase that takes one" in result.output
    assert not [s for s in result.scenarios if s["status"] == "passed"], result.output
