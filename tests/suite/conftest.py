"""Shared fixtures of the behave-level tests: PostgreSQL when it is there."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server for the postgres environment; skipped on a laptop without one.

    With CI=true a missing server is a failure, not a skip.
    """
    url = os.environ.get("HANDOFF_PG_URL", DEFAULT_PG_URL)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = f"PostgreSQL is not reachable at {url} (set HANDOFF_PG_URL): {str(error).splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        engine.dispose()
    return url


def throwaway_databases(url: str, run_id: str) -> list[str]:
    """The names of the databases a run made on the server at ``url`` (``handoff_<run id>_*``)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"), {"pattern": f"handoff_{run_id}_%"}
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()
