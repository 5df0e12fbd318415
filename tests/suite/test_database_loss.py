"""A database that goes away in the middle of a run: clear errors, and every result kept."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.suite.behave_run import BEHAVE_INI, ROOT

FEATURE = """Feature: A database that goes away

  Scenario: Before it goes
    Then the store database has a row in "items" with
      | id | name  |
      | 1  | first |

  Scenario: While it goes
    Then the store database has a row in "items" within 20 seconds with
      | id | name   |
      | 2  | second |

  Scenario: After it has gone
    Then the store database has a row in "items" with
      | id | name  |
      | 1  | first |
"""


def _admin(url: str, statement: str) -> None:
    admin_url = url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_a_database_lost_mid_run_fails_the_rest_clearly_and_keeps_the_results(postgres_url, tmp_path):
    name = f"handoff_loss_{secrets.token_hex(4)}"
    _admin(postgres_url, f'CREATE DATABASE "{name}"')
    database_url = f"{postgres_url}/{name}"
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (id integer, name text)"))
        connection.execute(text("INSERT INTO items VALUES (1, 'first')"))
    engine.dispose()

    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    (project / "steps").symlink_to(ROOT / "steps")
    (project / "environment.py").symlink_to(ROOT / "environment.py")
    (project / "config" / "store.toml").write_text(
        '[run]\nstart_services = false\n[databases.store]\nurl = "${STORE_DATABASE_URL}"\n'
    )
    (project / "store.feature").write_text(FEATURE)
    (tmp_path / "behave.ini").write_text(BEHAVE_INI)
    process = subprocess.Popen(
        [sys.executable, "-m", "behave", "-f", "plain", "-D", "env=store", str(project / "store.feature")],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "HANDOFF_CONFIG_DIR": str(project / "config"),
            "STORE_DATABASE_URL": database_url,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        results = tmp_path / "allure-results"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(results.glob("*-result.json")):
            time.sleep(0.05)  # the first scenario is done; the second one is polling
        time.sleep(0.3)
        _admin(postgres_url, f'DROP DATABASE "{name}" WITH (FORCE)')
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
        _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert process.returncode == 1, output
    outcomes = {
        result["name"]: result for result in map(json.loads, map(Path.read_text, results.glob("*-result.json")))
    }
    assert outcomes["Before it goes"]["status"] == "passed"
    for name in ("While it goes", "After it has gone"):
        message = outcomes[name]["statusDetails"]["message"]
        assert outcomes[name]["status"] == "broken", message
        assert "DatabaseUnreachable: database 'store'" in message, message
        assert postgres_url.split("@")[0] not in message  # the credentials never show
