"""Named databases of the system under test, read through SQLAlchemy.

Queries always use bound parameters. Each query is recorded (SQL, parameters, rows,
duration) for the report and for failure messages. Databases declared with
``create = true`` are throw-away PostgreSQL databases made at the start of the run
and dropped at its end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import Numeric

from handoff.config.errors import ConfigError
from handoff.config.settings import DatabaseConfig
from handoff.database.drivers import check_driver, sqlalchemy_url
from handoff.matching.numbers import plain
from handoff.report.masking import MASK, is_credential_column


class DatabaseUnreachable(Exception):
    """A database could not be connected to or queried."""


@dataclass
class Query:
    """One query and what it returned."""

    database: str
    sql: str
    params: Mapping[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def summary(self) -> str:
        params = ", ".join(f"{k}={plain(v)!r}" for k, v in self.shown_params().items())
        return f"[{self.database}] {' '.join(self.sql.split())}  ({params}) -> {len(self.rows)} row(s)"

    def shown_params(self) -> dict[str, Any]:
        """The parameters as messages and the report show them: credentials' values as ``****``."""
        return {k: MASK if is_credential_column(k) and v is not None else v for k, v in self.params.items()}

    def shown_rows(self) -> list[dict[str, Any]]:
        """The rows as the report shows them: values of columns named like credentials as ``****``."""
        return [
            {k: MASK if is_credential_column(k) and v is not None else v for k, v in row.items()} for row in self.rows
        ]


QueryListener = Callable[[Query], None]


def check_url(config: DatabaseConfig) -> None:
    """A clear error, naming the key and where it came from, for a url that is no database URL
    or one whose driver is not installed (the rendered url: placeholders filled)."""
    try:
        make_url(sqlalchemy_url(config.url))
    except ArgumentError:
        shown = config.url.split("@")[-1]  # never the credentials
        raise ConfigError(
            f"database {config.name!r}: {shown!r} is not a database URL such as postgresql://user@host:5432/name "
            f"or sqlite:///path.db ({config.source or f'databases.{config.name}.url'})"
        ) from None
    check_driver(config.name, config.url, config.source or f"databases.{config.name}.url")


def url_password(url: str) -> str | None:
    try:
        return make_url(sqlalchemy_url(url)).password
    except ValueError:
        return None


def display_url(url: str) -> str:
    return make_url(sqlalchemy_url(url)).render_as_string(hide_password=True)


class UnknownDatabase(LookupError):
    """A step names a database the environment does not declare."""


class Databases:
    """The run's named databases: engines made on first use, disposed at the end."""

    def __init__(self, configs: Mapping[str, DatabaseConfig], label: ThrowawayLabel | None = None) -> None:
        self.configs = dict(configs)
        self.label = label  # told what is created and dropped, so that a later run can reap it
        self._engines: dict[str, Engine] = {}
        self._columns: dict[tuple[str, str], dict[str, Any]] = {}
        self.listeners: list[QueryListener] = []
        self._created: list[DatabaseConfig] = []

    def config(self, name: str) -> DatabaseConfig:
        try:
            return self.configs[name]
        except KeyError:
            known = ", ".join(sorted(self.configs)) or "none"
            raise UnknownDatabase(
                f"unknown database {name!r} (this environment declares: {known}); "
                f'add [databases.{name}] url = "..." to the environment\'s file'
            ) from None

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            url = sqlalchemy_url(self.config(name).url)
            self._engines[name] = create_engine(url, pool_pre_ping=True)
        return self._engines[name]

    def query(self, name: str, sql: str | Executable, **params: Any) -> list[dict[str, Any]]:
        """Rows of a read query (SQL text with ``:named`` parameters, or a SQLAlchemy select)."""
        return self.execute(name, sql, **params).rows

    def execute(self, name: str, sql: str | Executable, **params: Any) -> Query:
        """Run a read query and return its record: SQL, parameters, rows, duration."""
        statement = _with_decimals(text(sql), params) if isinstance(sql, str) else sql
        if not isinstance(sql, str):
            compiled = sql.compile(dialect=self.engine(name).dialect)
            sql, params = str(compiled), {**compiled.params, **params}
        record = Query(name, sql, params)
        started = time.perf_counter()
        try:
            with self.engine(name).connect() as connection:
                result = connection.execute(statement, params)
                record.rows = [dict(row) for row in result.mappings()]
        except SQLAlchemyError as error:
            raise DatabaseUnreachable(
                f"database {name!r} ({display_url(self.config(name).url)}) failed "
                f"{' '.join(sql.split())}: {error.__class__.__name__}: {_first_line(error)}"
            ) from None
        finally:
            record.elapsed_ms = (time.perf_counter() - started) * 1000
        for listener in self.listeners:
            listener(record)
        return record

    def columns(self, name: str, table: str) -> dict[str, Any]:
        """A table's columns and their SQLAlchemy types, read from the database itself."""
        key = (name, table)
        if key not in self._columns:
            inspector = inspect(self.engine(name))
            tables = inspector.get_table_names()
            if table not in tables:
                raise LookupError(
                    f"database {name!r} has no table {table!r} (tables: {', '.join(sorted(tables)) or 'none'})"
                )
            self._columns[key] = {column["name"]: column["type"] for column in inspector.get_columns(table)}
        return self._columns[key]

    def check_reachable(self, name: str) -> None:
        try:
            with self.engine(name).connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            raise DatabaseUnreachable(
                f"database {name!r} is unreachable at {display_url(self.config(name).url)}: {_first_line(error)}"
            ) from None

    def create_throwaway_databases(self) -> None:
        for config in self.configs.values():
            if config.create:
                name = _database_name(config.url)
                try:
                    _admin_execute(config.url, f'CREATE DATABASE "{name}"')
                except DatabaseUnreachable as error:
                    raise DatabaseUnreachable(
                        f"could not create the throw-away database {name!r} for database {config.name!r}: {error}. "
                        f"The server and role are {config.source or 'in its url'}; the role needs LOGIN and "
                        "CREATEDB (CREATE ROLE tester LOGIN CREATEDB PASSWORD '...')"
                    ) from None
                self._created.append(config)
                if self.label is not None:
                    self.label.add_database(server_of(config.url), name)

    def drop_throwaway_databases(self) -> None:
        """Drop what create_throwaway_databases made (and only that: a failed start drops nothing it did not make)."""
        self.dispose()
        while self._created:
            config = self._created.pop()
            drop_database(config.url, _database_name(config.url))
            if self.label is not None:
                self.label.forget_database(server_of(config.url), _database_name(config.url))

    def reap(self, orphans: Iterable[ThrowawayLabel]) -> list[str]:
        """Drop the throw-away databases that runs whose owner is gone left on this run's servers."""
        servers = {server_of(c.url): c.url for c in self.configs.values() if c.create}
        dropped = []
        for orphan in orphans:
            for database in list(orphan.databases):
                url = servers.get(database["server"])
                if url is not None:
                    drop_database(url, database["name"])
                    orphan.forget_database(database["server"], database["name"])
                    dropped.append(database["name"])
        return dropped

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


class ThrowawayLabel(Protocol):
    """Where a run records its throw-away databases (handoff.run.ownership.RunLabel)."""

    databases: list[dict[str, str]]

    def add_database(self, server: str, name: str) -> None: ...

    def forget_database(self, server: str, name: str) -> None: ...


def server_of(url: str) -> str:
    """``host:port`` of a database URL: which server a throw-away database lives on."""
    parsed = make_url(sqlalchemy_url(url))
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def drop_database(url: str, name: str) -> None:
    """Drop throw-away database ``name`` on the server of ``url`` (with that url's credentials)."""
    if not name.replace("_", "").isalnum():
        raise DatabaseUnreachable(f"throw-away database name {name!r} must be letters, digits and _")
    _admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _database_name(url: str) -> str:
    name = make_url(sqlalchemy_url(url)).database or ""
    if not name.replace("_", "").isalnum():
        raise DatabaseUnreachable(f"throw-away database name {name!r} must be letters, digits and _")
    return name


def _admin_execute(url: str, statement: str) -> None:
    """Run CREATE/DROP DATABASE through the server's maintenance database."""
    admin_url = make_url(sqlalchemy_url(url)).set(database="postgres")
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    except SQLAlchemyError as error:
        raise DatabaseUnreachable(
            f"could not run {statement!r} on {admin_url.render_as_string(hide_password=True)}: {_first_line(error)}"
        ) from None
    finally:
        engine.dispose()


def _with_decimals(statement: Any, params: Mapping[str, Any]) -> Any:
    """Decimal parameters typed as NUMERIC, so that every dialect can bind them (SQLite's driver cannot)."""
    decimals = [
        bindparam(key, type_=Numeric(asdecimal=True)) for key, value in params.items() if isinstance(value, Decimal)
    ]
    return statement.bindparams(*decimals) if decimals else statement


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
