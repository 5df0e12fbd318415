"""Rows of a named database's table, found by the values a feature's table gives.

Table and column names come from feature text, so they are checked against the
database's own catalog and quoted by SQLAlchemy; values are always bound parameters.
A cell may hold a marker (``#notnull``, ``#regex ^ord_``, ``#null``, ``#>= 2``…, see
:mod:`handoff.matching.patterns`); markers are checked after the rows are read.

Rows are read as plain values, the same on every database (:func:`handoff.matching.numbers.plain`):
PostgreSQL's NUMERIC comes as the int or float SQLite gives, dates and times as ISO 8601
text. A cell compares with a number as a number (``34.50`` is ``34.5``, ``0.00`` is ``0``),
and with a date-time as a moment (``2026-12-01 10:00:00`` is ``2026-12-01T10:00:00``).

Columns named like credentials (password, password_hash, token, api_key, salt...: see
:func:`handoff.report.masking.is_credential_column`) are compared on their real values
and shown as ``****`` in every message.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import column, select, table
from sqlalchemy.types import Boolean, Date, DateTime, Float, Integer, Numeric, Time

from handoff.database.databases import Databases, Query
from handoff.matching.checker import Checker, format_table
from handoff.matching.comparisons import orderable
from handoff.matching.numbers import is_number, number_text, plain, same_number
from handoff.matching.patterns import is_marker, matches
from handoff.report.masking import MASK, is_credential_column


class TableReader:
    """Reads rows of one database table where columns equal given values."""

    def __init__(self, databases: Databases) -> None:
        self.databases = databases
        self.last_query: Query | None = None

    def rows_where(
        self, database: str, table_name: str, conditions: Mapping[str, Any], columns: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Rows whose columns match every condition; each row holds ``columns`` (all if none)."""
        types = self.databases.columns(database, table_name)
        for name in [*conditions, *columns]:
            if name not in types:
                raise LookupError(
                    f"table {table_name!r} of database {database!r} has no column {name!r} "
                    f"(columns: {', '.join(types)})"
                )
        wanted = list(columns) or list(types)
        selected = [*wanted, *(c for c in conditions if c not in wanted)]
        target = table(table_name, *(column(name) for name in selected))
        statement = select(*(target.c[name] for name in selected))
        for name, value in conditions.items():
            # Dates and times compare in Python, as moments: PostgreSQL refuses a date = text
            # comparison, and SQLite holds whatever text the service wrote.
            if not is_marker(value) and not isinstance(types[name], (Date, DateTime, Time)):
                statement = statement.where(target.c[name] == _typed(value, types[name], name))
        self.last_query = self.databases.execute(database, statement)
        rows = plain(self.last_query.rows)
        return [
            {name: row[name] for name in wanted}
            for row in rows
            if all(cell_matches(row[name], value) for name, value in conditions.items())
        ]


def cell_matches(actual: Any, expected: Any) -> bool:
    """A database value against a feature's cell: a marker, a number, a moment, or the same text."""
    actual, expected = plain(actual), plain(expected)
    if is_marker(expected):
        return matches(actual, expected)
    if is_number(actual) and same_number(actual, expected, text=True):
        return True
    moments = _moment(actual), _moment(expected)
    if None not in moments:
        return moments[0] == moments[1]
    return as_cell(actual) == as_cell(expected)


def as_cell(value: Any) -> str:
    """A database value written the way a feature writes it."""
    value = plain(value)
    if value is None:
        return "#null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_text(value)
    return str(value)


def shown_cell(column_name: str, value: Any) -> str:
    """A cell as messages show it: a credential column's value as ``****`` (a marker as written)."""
    if is_credential_column(column_name) and value is not None and not is_marker(value):
        return MASK
    return as_cell(value)


def _moment(value: Any) -> Any:
    """A date with a time of day (ISO 8601 text, with ``T`` or a space) as an aware datetime."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", value.strip()):
        return orderable(value)
    return None


def _typed(value: Any, column_type: Any, name: str) -> Any:
    """A cell's text as the column's Python type, so the comparison happens in SQL."""
    if not isinstance(value, str):
        return value
    try:
        if isinstance(column_type, Boolean):
            return value.strip().lower() in ("true", "1", "yes")
        if isinstance(column_type, Integer):
            return int(value)
        if isinstance(column_type, (Float, Numeric)):
            return decimal.Decimal(value)
    except (ValueError, decimal.InvalidOperation):
        raise ValueError(f"{value!r} is not a value for column {name!r} of type {column_type}") from None
    return value


class TableExpectations:
    """Checks of table contents with failure messages that show rows side by side."""

    def __init__(self, reader: TableReader, check: Checker) -> None:
        self.reader = reader
        self.check = check
        self.query_rows: list[dict[str, Any]] | None = None

    def has_rows(self, database: str, table_name: str, expected: list[dict[str, Any]]) -> None:
        for row in expected:
            if not self.reader.rows_where(database, table_name, row):
                self._fail_with_neighbours(database, table_name, row, f"a row in {database}.{table_name}")

    def has_no_row(self, database: str, table_name: str, conditions: dict[str, Any]) -> None:
        found = self.reader.rows_where(database, table_name, conditions)
        if found:
            self.check.fail(
                f"no row in {database}.{table_name}",
                "expected none like:\n" + _table([conditions]) + "\nfound:\n" + _table(found, list(conditions)),
                self.reader.last_query,
            )

    def has_count(self, database: str, table_name: str, conditions: dict[str, Any], count: int) -> None:
        found = self.reader.rows_where(database, table_name, conditions)
        if len(found) != count:
            self.check.fail(
                f"rows in {database}.{table_name}",
                f"expected: {count} row(s) like\n{_table([conditions])}\nactual:   {len(found)} row(s)\n"
                + _table(found, list(conditions)),
                self.reader.last_query,
            )

    def has_exactly(
        self, database: str, table_name: str, where: dict[str, Any], expected: list[dict[str, Any]]
    ) -> None:
        columns = list(dict.fromkeys(c for row in expected for c in row))
        found = self.reader.rows_where(database, table_name, where, columns)
        if not rows_correspond(found, expected):
            self.check.fail(
                f"rows of {database}.{table_name} where {_describe(where)} (any order)",
                "expected rows:\n" + _table(expected, columns) + "\nactual rows:\n" + _table(found, columns),
                self.reader.last_query,
            )

    def query(self, database: str, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A read-only query written in the feature; its rows become "the query's" rows."""
        if not re.match(r"\s*(SELECT|WITH)\b", sql, re.IGNORECASE) or ";" in sql.strip().rstrip(";"):
            raise ValueError("only a single SELECT (or WITH ... SELECT) query can be run from a feature")
        self.reader.last_query = self.reader.databases.execute(database, sql, **params)
        self.query_rows = plain(self.reader.last_query.rows)
        return self.query_rows

    def query_returned(self, expected: list[dict[str, Any]]) -> None:
        found = self._query_rows()
        columns = list(dict.fromkeys(c for row in expected for c in row))
        if not rows_correspond([{c: row.get(c) for c in columns} for row in found], expected):
            self.check.fail(
                "rows the query returned (any order)",
                "expected rows:\n" + _table(expected, columns) + "\nactual rows:\n" + _table(found, columns),
                self.reader.last_query,
            )

    def query_returned_count(self, count: int) -> None:
        found = self._query_rows()
        self.check.equal("number of rows the query returned", count, len(found), self.reader.last_query)

    def query_value(self, column_name: str) -> Any:
        """The one value a query returned: its only row's column (a failure for no row, several, or no such column)."""
        found = self._query_rows()
        what = f'the value of "{column_name}" from the query result'
        if len(found) != 1:
            shown = "no row" if not found else f"{len(found)} rows:\n" + _table(found[:10])
            self.check.fail(what, f"expected: exactly 1 row\nactual:   {shown}", self.reader.last_query)
        row = found[0]
        if column_name not in row:
            detail = f"the result has no column {column_name!r} (its columns: {', '.join(row)})"
            self.check.fail(what, detail, self.reader.last_query)
        return plain(row[column_name])

    def _query_rows(self) -> list[dict[str, Any]]:
        if self.query_rows is None:
            raise LookupError("no query has run yet: start with 'When I query the <name> database'")
        return self.query_rows

    def _fail_with_neighbours(self, database: str, table_name: str, row: dict[str, Any], what: str) -> None:
        first_column, first_value = next(iter(row.items()))
        neighbours = self.reader.rows_where(database, table_name, {first_column: first_value}, list(row))[:10]
        self.check.fail(
            what,
            "expected a row like:\n"
            + _table([row])
            + f"\nrows with {first_column} = {shown_cell(first_column, first_value)!r}:\n"
            + _table(neighbours, list(row)),
            self.reader.last_query,
        )


def rows_correspond(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> bool:
    """The same rows in any order, each expected row matched by exactly one actual row."""
    if len(actual) != len(expected):
        return False
    remaining = list(actual)
    for wanted in expected:
        hit = next((r for r in remaining if all(cell_matches(r.get(c), v) for c, v in wanted.items())), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return True


def _table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    columns = columns or list(dict.fromkeys(c for row in rows for c in row))
    return format_table(columns, [[shown_cell(c, row.get(c)) for c in columns] for row in rows])


def _describe(conditions: dict[str, Any]) -> str:
    return " and ".join(f"{k} = {shown_cell(k, v)!r}" for k, v in conditions.items()) or "(all rows)"
