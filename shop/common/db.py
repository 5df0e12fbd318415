"""Database engine creation and small helpers shared by all services.

SQLite (the default) gets WAL mode, a busy timeout and ``BEGIN IMMEDIATE``
transactions so that several waitress threads can write safely. ``postgresql://``
URLs are rewritten to use the psycopg 3 driver.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData, create_engine, event, text

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalize_database_url(url: str) -> str:
    """Make plain ``postgresql://`` / ``postgres://`` URLs use psycopg 3."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def create_db_engine(url: str) -> Engine:
    """Create an engine for ``url`` configured for multi-threaded use."""
    url = normalize_database_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Take over transaction control from the sqlite3 module (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_immediate(connection) -> None:
    # Taking the write lock up front makes concurrent writers wait (busy timeout)
    # instead of failing with "database is locked" when upgrading a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_tables(engine: Engine, metadata: MetaData, *, wait_seconds: float = 15.0) -> None:
    """Create the service's tables, retrying while the database is not reachable yet."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            metadata.create_all(engine)
            return
        except Exception as exc:
            if time.monotonic() >= deadline:
                raise
            log.warning("database not ready (%s), retrying", type(exc).__name__)
            time.sleep(0.5)


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (as SQLite returns them) as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def isoformat_utc(value: datetime) -> str:
    """ISO-8601 UTC with millisecond precision and a ``Z`` suffix."""
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")
