"""The framework builds no shell command and no SQL from feature text, and no secret reaches an exception.

The code checks read the source with ``ast``: a new ``shell=True`` or a new SQL statement
built by string formatting fails here until someone has looked at it.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest

from handoff.config.settings import ConfigError, DatabaseConfig, load_settings
from handoff.database.databases import Databases
from handoff.database.table_checks import TableReader
from handoff.http.client import HttpClient, ServiceTimeout, ServiceUnreachable, without_password
from handoff.matching.checker import Checker
from handoff.report.masking import Masker
from handoff.run.test_run import TestRun

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = [
    ROOT / "environment.py",
    *sorted((ROOT / "handoff").rglob("*.py")),
    *sorted((ROOT / "support").rglob("*.py")),
    *sorted((ROOT / "steps").glob("*.py")),
]
SQL_STATEMENT = re.compile(r"(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE)\s")
# Formatted SQL that was reviewed: the name is the throw-away database's own, checked to be
# letters, digits and _ (handoff.database.databases._database_name), never text from a feature.
REVIEWED_SQL = {
    ("handoff/database/databases.py", 'CREATE DATABASE "{}"'),
    ("handoff/database/databases.py", 'DROP DATABASE IF EXISTS "{}" WITH (FORCE)'),
}
SECRET = "s3cret-Value-42"


def _trees():
    for path in FRAMEWORK:
        yield path.relative_to(ROOT).as_posix(), _parse(path)


def _parse(path):
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, str(path))
    except SystemError:  # CPython 3.11's spurious "AST constructor recursion depth mismatch" (gh-106905)
        return ast.parse(source, str(path))


def _template(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def test_no_shell_is_ever_started():
    found = []
    for name, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                function = ast.unparse(node.func)
                if function in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
                    found.append(f"{name}:{node.lineno} {function}")
                for keyword in node.keywords:
                    if keyword.arg == "shell" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                    ):
                        found.append(f"{name}:{node.lineno} shell={ast.unparse(keyword.value)}")
    assert found == []


def _formatted_sql(node: ast.AST) -> str | None:
    """The SQL template of an f-string, ``"..." % x``, ``"..." + x`` or ``"...".format(x)``; else None."""
    if isinstance(node, ast.JoinedStr):
        template = _template(node)
    elif (
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)) and isinstance(node.left, ast.Constant)
    ):
        template = node.left.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = node.func.value.value if isinstance(node.func.value, ast.Constant) else None
    else:
        return None
    # Messages may mention SQL words in prose; statements start with one.
    return template if isinstance(template, str) and SQL_STATEMENT.match(template.lstrip().upper()) else None


def test_no_sql_is_built_by_string_formatting():
    found, reviewed = [], set()
    for name, tree in _trees():
        for node in ast.walk(tree):
            template = _formatted_sql(node)
            if template is not None and (name, template) in REVIEWED_SQL:
                reviewed.add((name, template))
            elif template is not None:
                found.append(f"{name}:{node.lineno} {template!r}")
    assert found == []
    assert reviewed == REVIEWED_SQL  # the check sees formatted SQL where it is (and the list is current)


def test_throwaway_database_names_are_checked_before_they_reach_sql():
    databases = Databases(
        {"x": DatabaseConfig("x", 'postgresql://u@127.0.0.1:1/x"; DROP DATABASE postgres; --', create=True)}
    )
    with pytest.raises(Exception, match="must be letters, digits and _"):
        databases.create_throwaway_databases()


def test_table_and_column_names_from_features_are_checked_against_the_catalog(tmp_path):
    with sqlite3.connect(tmp_path / "shop.db") as connection:
        connection.execute("CREATE TABLE users (id INTEGER, email TEXT)")
    databases = Databases({"shop": DatabaseConfig("shop", f"sqlite:///{tmp_path}/shop.db")})
    reader = TableReader(databases)
    with pytest.raises(Exception, match="users; DROP TABLE users"):
        reader.rows_where("shop", "users; DROP TABLE users", {"id": "1"})
    with pytest.raises(LookupError, match="no column 'email = 1 OR 1'"):
        reader.rows_where("shop", "users", {"email = 1 OR 1": "1"})
    assert reader.rows_where("shop", "users", {"email": "' OR '1'='1"}) == []  # a value, bound as such
    assert databases.query("shop", "SELECT COUNT(*) AS n FROM users") == [{"n": 0}]


# secrets in exception text


def test_a_password_in_a_service_url_is_hidden_in_connection_errors():
    client = HttpClient(timeout=1, connect_timeout=1)
    with pytest.raises(ServiceUnreachable) as refused:
        client.request("billing", "GET", f"http://ann:{SECRET}@127.0.0.1:1/health")
    assert SECRET not in str(refused.value)
    assert "ann:***@127.0.0.1:1" in str(refused.value)


def test_without_password_leaves_other_urls_alone():
    assert without_password("http://127.0.0.1:8080/a?b=c") == "http://127.0.0.1:8080/a?b=c"
    assert without_password(f"postgresql://u:{SECRET}@h:5432/db") == "postgresql://u:***@h:5432/db"


def test_timeouts_hide_the_password_too():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts, never answers
    try:
        client = HttpClient(timeout=0.2, connect_timeout=1)
        with pytest.raises(ServiceTimeout) as slow:
            client.request("billing", "GET", f"http://ann:{SECRET}@127.0.0.1:{listener.getsockname()[1]}/")
        assert SECRET not in str(slow.value)
    finally:
        listener.close()


def test_a_database_password_is_hidden_in_database_errors():
    databases = Databases({"orders": DatabaseConfig("orders", f"postgresql://app:{SECRET}@127.0.0.1:1/orders")})
    with pytest.raises(Exception) as unreachable:
        databases.check_reachable("orders")
    assert SECRET not in str(unreachable.value)
    with pytest.raises(Exception) as failed:
        databases.query("orders", "SELECT 1")
    assert SECRET not in str(failed.value)


def test_a_missing_secret_is_named_by_its_variable_never_by_a_value(tmp_path):
    (tmp_path / "ext.toml").write_text('[secrets]\napi_key = "BILLING_API_KEY"\n')
    run = TestRun(load_settings({"env": "ext"}, environ={}, config_dir=tmp_path))
    with pytest.raises(ConfigError, match="BILLING_API_KEY, which is not set"):
        run._read_secrets()


def test_failed_checks_mask_the_secrets_they_show():
    masker = Masker()
    masker.add(SECRET)
    with pytest.raises(AssertionError) as failed:
        Checker(masker).equal("the api key header", "expected-key", SECRET)
    assert SECRET not in str(failed.value)
