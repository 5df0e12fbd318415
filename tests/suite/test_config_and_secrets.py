"""Database URLs, secrets and credentials through behave runs of a small project, as a user writes it.

The project (made per test in a temporary folder, as ``handoff init`` lays one out) tests the
to-do service of tests/other_system, which it calls ``shop_catalog``, and its SQLite database;
the PostgreSQL tests add a database whose password is the word ``shop``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.other_system.todo_service import TodoService
from tests.suite.behave_run import BehaveResult, run_behave

REAL_HASH = "pbkdf2$600000$c2FsdHNhbHQ$real-hash-value"

FILES = {
    "steps/handoff_steps.py": "from handoff.steps import *  # noqa: F403\n",
    "environment.py": "from handoff import hooks\n\nhooks.install(globals())\n",
    "config/local.toml": """
        [run]
        start_services = false

        [services.shop_catalog]
        url = "${TODO_URL}"

        [databases.todo]
        url = "${TODO_DATABASE_URL}"
        """,
    # A database for a driver this installation lacks, written in a file
    "config/mysql.toml": """
        extends = "local"

        [databases.orders]
        url = "mysql://app:${ORDERS_PASSWORD}@127.0.0.1:3306/orders"
        """,
    # The catalog's PostgreSQL database, whose password is a plain word
    "config/pg.toml": """
        extends = "local"

        [databases.catalog]
        url = "${CATALOG_DB_URL}"

        [data]
        catalog_dsn = "${CATALOG_DB_URL}"
        """,
    "features/database.feature": """
        Feature: A database read through whatever driver its URL names

          Scenario: The database answers a query
            When I query the todo database
              \"\"\"
              SELECT 1 AS one
              \"\"\"
            Then the query returns 1 row
        """,
    "features/failures.feature": """
        Feature: Failures that show what the service said, and hide credentials

          Scenario: A wrong status shows the answer's body
            When I send a POST request to shop_catalog "/todos" with
              \"\"\"
              {"title": "written without signing in"}
              \"\"\"
            Then the response status is 201

          Scenario: A credential column is compared on its real value
            Then the todo database has a row in "accounts" with
              | name | password_hash                          |
              | ann  | pbkdf2$600000$c2FsdHNhbHQ$real-hash-value |

          Scenario: A credential column is shown masked when the row is not there
            Then the todo database has a row in "accounts" with
              | name | password_hash |
              | ann  | wrong-hash    |
        """,
    "features/catalog.feature": """
        Feature: The shop's catalog service

          Scenario: The shop's catalog service is told where its database is
            When I send a POST request to shop_catalog "/login" with
              \"\"\"
              {"user": "shop"}
              \"\"\"
            And I send the "csrftoken" cookie back as the "X-CSRFToken" header
            And I send a POST request to shop_catalog "/todos" with
              \"\"\"
              {"title": "the shop's catalog service reads {data.catalog_dsn}"}
              \"\"\"
            Then the response status is 201
            When I query the catalog database
              \"\"\"
              SELECT 1 AS one
              \"\"\"
            Then the query returns 1 row
        """,
}


@pytest.fixture
def todo_service(tmp_path):
    service = TodoService(tmp_path / "todo.db").start()
    with sqlite3.connect(service.database) as connection:
        connection.execute("CREATE TABLE accounts (name TEXT, password_hash TEXT)")
        connection.execute("INSERT INTO accounts VALUES ('ann', ?)", (REAL_HASH,))
    yield service
    service.stop()


@pytest.fixture
def project(tmp_path, todo_service) -> Path:
    folder = tmp_path / "project"
    for name, content in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip())
    return folder


def behave(project: Path, todo_service: TodoService, *args: str, **env: str) -> BehaveResult:
    variables = {"TODO_URL": todo_service.url, "TODO_DATABASE_URL": f"sqlite:///{todo_service.database}", **env}
    return run_behave(project, *args, env=variables)


def attachments(result: BehaveResult, scenario: str) -> dict[str, str]:
    """The scenario's Allure attachments, by name."""
    for path in result.allure_results.glob("*-result.json"):
        report = json.loads(path.read_text())
        if report["name"] == scenario:
            found = {}
            for step in report.get("steps", []):
                for attachment in step.get("attachments", []):
                    found[attachment["name"]] = (result.allure_results / attachment["source"]).read_text()
            return found
    raise AssertionError(f"no Allure result for scenario {scenario!r}")


def test_a_url_for_a_driver_that_is_not_installed_is_refused_before_the_first_scenario(project, todo_service):
    written = "mysql://app:hunter22@127.0.0.1:3306/orders"
    result = behave(project, todo_service, "features/database.feature", "-D", f"databases.orders.url={written}")
    assert result.exit_code == 1
    assert result.scenarios == [] or all(s["status"] != "passed" for s in result.scenarios)
    assert "database 'orders' (databases.orders.url from -D databases.orders.url=...)" in result.output
    assert "'mysql://app:****@127.0.0.1:3306/orders' cannot be opened: its driver 'mysqldb' is not installed" in (
        result.output
    )
    assert "Write postgresql://user:password@host:5432/name" in result.output
    assert "pip install pymysql" in result.output
    assert "hunter22" not in result.output
    assert "No module named" not in result.output  # the driver's own error, which names no key


def test_the_same_url_in_a_config_file_is_refused_naming_the_file(project, todo_service):
    result = behave(project, todo_service, "features/database.feature", "-D", "env=mysql", ORDERS_PASSWORD="hunter22")
    assert result.exit_code == 1
    assert "databases.orders.url in config/mysql.toml, from ORDERS_PASSWORD" in result.output
    assert "mysql://app:****@127.0.0.1:3306/orders" in result.output and "hunter22" not in result.output


def test_a_misspelt_database_key_still_gets_did_you_mean(project, todo_service):
    result = behave(project, todo_service, "features/database.feature", "-D", "databases.todo.ulr=sqlite:///x.db")
    assert result.exit_code == 1
    assert "did you mean 'databases.todo.url'?" in result.output


def test_a_wrong_status_shows_the_answers_body_in_the_console(project, todo_service):
    result = behave(project, todo_service, "features/failures.feature", "-n", "A wrong status")
    assert result.scenario("A wrong status shows the answer's body")["status"] == "failed"
    console = result.output
    assert "response status:" in console and "expected: 201" in console and "actual:   401" in console
    assert "response body:" in console and '"error": "not_signed_in"' in console


def test_a_credential_column_is_compared_on_its_real_value_and_shown_masked(project, todo_service):
    result = behave(project, todo_service, "features/failures.feature", "-n", "credential column")
    assert result.scenario("A credential column is compared on its real value")["status"] == "passed"
    name = "A credential column is shown masked when the row is not there"
    assert result.scenario(name)["status"] == "failed"
    message = result.failure_message(name)
    assert "| ann  | ****          |" in message  # the row that is there, its hash hidden
    console = result.output.split(name, 1)[1]  # the first scenario's table prints the hash: it is the feature's text
    assert REAL_HASH not in message and REAL_HASH not in console and "| ann  | ****" in console
    sql = [body for title, body in attachments(result, name).items() if title.startswith("SQL todo")]
    assert sql and all(REAL_HASH not in body for body in sql)
    assert any("| ann  | ****" in body for body in sql)


@pytest.fixture
def shop_role(postgres_url):
    """A PostgreSQL role whose password is the plain word ``shop``; dropped afterwards."""
    role = f"shop_{secrets.token_hex(3)}"
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'shop'"))
    host = postgres_url.split("@", 1)[1]
    yield role, f"{role}:shop@{host}/postgres"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
    admin.dispose()


@pytest.mark.parametrize("scheme", ["postgresql+psycopg2", "postgres"])
def test_other_postgresql_spellings_run_on_the_installed_driver(project, todo_service, shop_role, scheme):
    _, credentials = shop_role
    url = f"{scheme}://{credentials}"
    result = behave(project, todo_service, "features/database.feature", "-D", f"databases.todo.url={url}")
    assert result.exit_code == 0, result.output[-3000:]
    assert result.statuses() == {"passed": 1}


def test_a_short_database_password_is_masked_in_urls_and_leaves_the_word_readable(project, todo_service, shop_role):
    role, credentials = shop_role
    result = behave(
        project, todo_service, "features/catalog.feature", "-D", "env=pg", CATALOG_DB_URL=f"postgresql://{credentials}"
    )
    assert result.exit_code == 0, result.output[-3000:]
    assert "the password of databases.catalog.url is shorter than 8 characters" in result.output
    everything = "\n".join(path.read_text() for path in result.allure_results.iterdir())
    assert f"postgresql://{role}:****@" in everything  # the URL's password part, in the request and the answer
    assert f"{role}:shop@" not in everything
    assert "the shop's catalog service reads" in everything
    assert "POST shop_catalog /todos -> 201" in everything  # service names keep their "shop"
    assert '"user": "shop"' in everything
