"""The same features on SQLite and on PostgreSQL: numbers, decimals in JSON, comparisons,
arithmetic and match-each give one answer on both (tests/values/features)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from tests.needs import missing
from tests.suite.behave_run import run_behave
from tests.values.price_service import PriceService

HERE = Path(__file__).resolve().parent
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432"


def _admin(server: str):
    return create_engine(
        server.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres", isolation_level="AUTOCOMMIT"
    )


@pytest.fixture
def database_url(request, tmp_path):
    """A fresh database of the kind asked for: a SQLite file, or a throw-away PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'prices.db'}"
        return
    server = os.environ.get("HANDOFF_PG_URL", DEFAULT_PG_URL)
    name = f"handoff_values_{secrets.token_hex(4)}"
    engine = _admin(server)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as error:
        engine.dispose()
        missing(f"PostgreSQL is not reachable at {server} (set HANDOFF_PG_URL): {str(error).splitlines()[0]}")
    try:
        yield f"{server}/{name}"
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def prices(database_url):
    service = PriceService(database_url).start()
    yield service
    service.stop()


def _run(prices: PriceService, workdir: Path, features: Path):
    return run_behave(
        workdir,
        str(features),
        "-D",
        "env=values",
        env={
            "HANDOFF_CONFIG_DIR": str(HERE / "config"),
            "PRICES_URL": prices.url,
            "PRICES_DATABASE_URL": prices.database_url,
        },
    )


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_the_same_features_pass_on_sqlite_and_postgresql(prices, tmp_path):
    result = _run(prices, tmp_path / "run", HERE / "features")
    assert result.exit_code == 0, result.output[-6000:]
    assert result.statuses() == {"passed": 5}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_failures_show_expected_and_actual_with_the_request_or_query(prices, tmp_path):
    result = _run(prices, tmp_path / "run", HERE / "wrong_features")
    assert result.exit_code == 1
    assert result.statuses() == {"failed": 8, "error": 1}, result.output[-4000:]  # a bad expression is an error
    below = result.failure_message("A total below the bound")
    assert "expected: greater than 100\n" in below and "actual:   69" in below
    assert "GET http://127.0.0.1" in below and "/baskets/b-" in below
    shape = result.failure_message("An element of the wrong shape")
    assert "each element of the response at $.items (equal)" in shape
    assert "$.items[0].id: expected #string, got " in shape
    cell = result.failure_message("A cell outside its range")
    assert "#>= 40" in cell and "34.5" in cell and "[prices] SELECT" in cell
    saved = result.failure_message("A saved value below the bound")
    assert "expected: at least 70.5\n" in saved and "actual:   69\n" in saved + "\n"
    unknown = result.failure_message("An expression with a name never saved")
    assert "cannot evaluate {total * 2}: no variable 'total'" in unknown and "mug_id" in unknown
    status = result.failure_message("A status that should not be")
    assert "expected: anything but 200" in status and "actual:   200" in status
    value = result.failure_message("A value that should not be")
    assert "expected: anything but 69.0\n" in value and "actual:   69.0" in value and "GET http://" in value
    element = result.failure_message("An element that should not be there")
    assert 'expected: a value not containing "mug"' in element and 'actual:   [\n    "mug"\n  ]' in element
    empty = result.failure_message("Each element of an empty array")
    assert "expected: an array with at least one element\n  actual:   []" in empty
