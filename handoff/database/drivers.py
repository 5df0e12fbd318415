"""Which database URLs this installation can open, decided when the configuration loads.

A URL names a dialect and, after ``+``, a driver (``postgresql+psycopg2://``). Handoff
installs one PostgreSQL driver, psycopg 3 (the ``[postgres]`` extra), so the common
PostgreSQL spellings (``postgres://``, ``postgresql://``, ``postgresql+psycopg2://``,
``postgresql+asyncpg://``, ``postgresql+pg8000://``) all run on it unless the driver they
name is installed too; an async driver never is of use, since checks run synchronously.
SQLite needs nothing. Anything else (``mysql://``, ``oracle://``...) works when its driver
is installed, and is otherwise refused before the first scenario with one message naming
the configuration key, the value (password masked) and what to write instead.

SQLAlchemy is imported only when a database is declared.
"""

from __future__ import annotations

import functools

from handoff.config.errors import ConfigError

POSTGRES_DIALECTS = ("postgresql", "postgres")
PSYCOPG = "psycopg"
ASYNC_DRIVERS = frozenset({"asyncpg", "psycopg_async", "aiosqlite", "aiomysql", "asyncmy"})
# How to get a driver SQLAlchemy knows, for the dialects people use most.
INSTALL_HINTS = {
    "postgresql": "for PostgreSQL, install Handoff's PostgreSQL extra: pip install 'handoff-bdd[postgres]'",
    "postgres": "for PostgreSQL, install Handoff's PostgreSQL extra: pip install 'handoff-bdd[postgres]'",
    "mysql": "for MySQL, install a driver (pip install pymysql) and write mysql+pymysql://user:password@host:3306/name",
    "mariadb": "for MariaDB, install a driver (pip install pymysql) and write "
    "mariadb+pymysql://user:password@host:3306/name",
    "mssql": "for SQL Server, install a driver (pip install pyodbc) and write mssql+pyodbc://...",
    "oracle": "for Oracle, install a driver (pip install oracledb) and write "
    "oracle+oracledb://user:password@host:1521/?service_name=name",
}


def sqlalchemy_url(url: str) -> str:
    """The URL as SQLAlchemy is given it: PostgreSQL spellings on psycopg 3 unless their own driver is here."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    dialect, _, driver = scheme.lower().partition("+")
    if dialect in POSTGRES_DIALECTS:
        if driver in ("", PSYCOPG) or driver in ASYNC_DRIVERS or not driver_installed("postgresql", driver):
            return f"postgresql+{PSYCOPG}://{rest}"
        return f"postgresql+{driver}://{rest}"
    if dialect == "sqlite" and driver in ASYNC_DRIVERS:
        return f"sqlite://{rest}"
    return url


@functools.cache
def driver_installed(dialect: str, driver: str) -> bool:
    """The driver (SQLAlchemy's DBAPI module) of ``dialect+driver`` can be imported here."""
    return _driver_problem(f"{dialect}+{driver}" if driver else dialect) is None


def check_driver(name: str, url: str, source: str) -> None:
    """Refuse a URL whose kind SQLAlchemy does not know or whose driver is not installed.

    ``source`` names the configuration key and where its value came from
    (``databases.orders.url from -D``). A URL whose scheme is still a placeholder is
    checked once rendered.
    """
    scheme = url.partition("://")[0]
    if "://" not in url or "{" in scheme or "$" in scheme:
        return  # not a URL at all (check_url says so, naming the forms) or not rendered yet
    problem = _driver_problem(sqlalchemy_url(url))
    if problem is None:
        return
    dialect = scheme.lower().partition("+")[0]
    hint = INSTALL_HINTS.get(dialect, "for another kind of database, install its SQLAlchemy dialect and driver here")
    raise ConfigError(
        f"database {name!r} ({source}): {masked_url(url)!r} cannot be opened: {problem}. "
        f"Write {' or '.join(supported_forms())} instead; {hint}"
    )


def supported_forms() -> list[str]:
    """The URL forms this installation opens without any other driver."""
    forms = []
    if driver_installed("postgresql", PSYCOPG):
        forms.append(
            "postgresql://user:password@host:5432/name (postgres:// and postgresql+psycopg2:// "
            "are read the same way, on psycopg 3)"
        )
    return [*forms, "sqlite:///path/to/file.db"]


def masked_url(url: str) -> str:
    """The URL with its password replaced by ``****``, for messages."""
    scheme, separator, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:****@{location}"


def _driver_problem(url_or_scheme: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    # The scheme alone names the driver; the rest may still hold run placeholders ({services.x.ports.pg})
    url = f"{url_or_scheme.partition('://')[0]}://"
    try:
        dialect = make_url(url).get_dialect()
    except NoSuchModuleError:
        return f"SQLAlchemy knows no database of kind {url.partition('://')[0]!r}"
    except ArgumentError:
        return None  # not a URL: check_url explains that
    if dialect.is_async:
        return f"the driver {dialect.driver!r} is asynchronous; Handoff's checks need a synchronous one"
    try:
        dialect.import_dbapi()
    except ImportError as error:
        name = getattr(error, "name", None) or str(error)
        return f"its driver {dialect.driver!r} is not installed (no module {name!r})"
    return None
