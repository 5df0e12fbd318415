"""Database table checks against a real SQLite database."""

import pytest
from sqlalchemy import create_engine, text

from handoff.config.settings import DatabaseConfig
from handoff.database.databases import Databases
from handoff.database.table_checks import TableExpectations, TableReader
from handoff.matching.checker import Checker, ExpectationFailed
from handoff.report.masking import Masker


@pytest.fixture
def tables(tmp_path):
    url = f"sqlite:///{tmp_path}/shop.db"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE orders (id TEXT, status TEXT, total_cents INTEGER, note TEXT)"))
        connection.execute(
            text("INSERT INTO orders VALUES ('ord_1', 'PAID', 3300, NULL), ('ord_2', 'PAYMENT_FAILED', 800, 'x')")
        )
    engine.dispose()
    databases = Databases({"shop": DatabaseConfig("shop", url)})
    yield TableExpectations(TableReader(databases), Checker(Masker()))
    databases.dispose()


def test_a_row_with_values_markers_and_nulls(tables):
    tables.has_rows("shop", "orders", [{"id": "ord_1", "status": "PAID", "total_cents": "3300", "note": "#null"}])
    tables.has_rows("shop", "orders", [{"id": "#regex ord_\\d", "status": "PAYMENT_FAILED"}])


def test_a_missing_row_shows_its_neighbours_and_the_query(tables):
    with pytest.raises(ExpectationFailed) as error:
        tables.has_rows("shop", "orders", [{"id": "ord_1", "status": "PAYMENT_FAILED"}])
    message = str(error.value)
    assert "expected a row like:" in message
    assert "| ord_1 | PAID   |" in message
    assert "[shop] SELECT" in message


def test_counts_absence_and_exact_rows(tables):
    tables.has_count("shop", "orders", {"status": "PAID"}, 1)
    tables.has_no_row("shop", "orders", {"status": "PENDING"})
    tables.has_exactly("shop", "orders", {"note": "x"}, [{"id": "ord_2", "total_cents": "800"}])
    with pytest.raises(ExpectationFailed, match="expected: 2 row"):
        tables.has_count("shop", "orders", {"status": "PAID"}, 2)


def test_names_come_from_the_catalog_never_from_text(tables):
    with pytest.raises(LookupError, match=r"no table 'orders; DROP TABLE orders' \(tables: orders\)"):
        tables.has_rows("shop", "orders; DROP TABLE orders", [{"id": "x"}])
    with pytest.raises(LookupError, match=r"no column 'statuz' \(columns: id, status, total_cents, note\)"):
        tables.has_rows("shop", "orders", [{"statuz": "PAID"}])


def test_a_value_of_the_wrong_type_is_explained(tables):
    with pytest.raises(ValueError, match="'lots' is not a value for column 'total_cents'"):
        tables.has_rows("shop", "orders", [{"total_cents": "lots"}])


def test_feature_queries_are_single_selects_with_bound_values(tables):
    rows = tables.query("shop", "SELECT id FROM orders WHERE total_cents > :p0", {"p0": 1000})
    assert rows == [{"id": "ord_1"}]
    tables.query_returned([{"id": "ord_1"}])
    with pytest.raises(ValueError, match="only a single SELECT"):
        tables.query("shop", "DELETE FROM orders", {})
    with pytest.raises(ValueError, match="only a single SELECT"):
        tables.query("shop", "SELECT 1; DELETE FROM orders", {})


@pytest.fixture
def accounts(tmp_path):
    url = f"sqlite:///{tmp_path}/accounts.db"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE accounts (name TEXT, password_hash TEXT, apiKey TEXT, salt TEXT)"))
        connection.execute(text("INSERT INTO accounts VALUES ('ann', 'pbkdf2$real-hash', 'key-ann-1', 'NaCl')"))
    engine.dispose()
    databases = Databases({"shop": DatabaseConfig("shop", url)})
    yield TableExpectations(TableReader(databases), Checker(Masker()))
    databases.dispose()


def test_credential_columns_are_compared_on_real_values(accounts):
    accounts.has_rows("shop", "accounts", [{"name": "ann", "password_hash": "pbkdf2$real-hash", "salt": "NaCl"}])
    accounts.has_rows("shop", "accounts", [{"name": "ann", "apiKey": "#regex key-ann-\\d"}])


def test_credential_columns_are_shown_masked_in_failures_and_evidence(accounts):
    with pytest.raises(ExpectationFailed) as error:
        accounts.has_rows("shop", "accounts", [{"name": "ann", "password_hash": "wrong-hash", "apiKey": "#notnull"}])
    message = str(error.value)
    assert "| ann  | ****          | ****   |" in message  # found: the real hash and key are never shown
    assert "| ann  | ****          | #notnull |" in message  # expected: markers stay readable
    assert "pbkdf2$real-hash" not in message and "key-ann-1" not in message and "wrong-hash" not in message
    with pytest.raises(ExpectationFailed) as error:
        accounts.has_no_row("shop", "accounts", {"password_hash": "pbkdf2$real-hash"})
    message = str(error.value)
    assert "pbkdf2$real-hash" not in message and "password_hash_1=****" in message


def test_a_querys_rows_and_parameters_as_the_report_shows_them(accounts):
    record = accounts.reader.databases.execute(
        "shop", "SELECT name, salt FROM accounts WHERE password_hash = :password_hash", password_hash="pbkdf2$real-hash"
    )
    assert record.rows == [{"name": "ann", "salt": "NaCl"}]  # the real values, for checks
    assert record.shown_rows() == [{"name": "ann", "salt": "****"}]
    assert record.shown_params() == {"password_hash": "****"}
