"""Gherkin data tables read as rows of named cells, with a clear error for a bad table."""

from __future__ import annotations

from typing import Any


class MalformedTable(ValueError):
    """A step's table lacks columns the step needs, or has none at all."""


def table_rows(table: Any, *required: str) -> list[dict[str, str]]:
    """The table's rows as ``{heading: cell}``; every ``required`` heading must be there."""
    if table is None:
        raise MalformedTable(f"this step needs a table with the columns: {' | '.join(required)}")
    headings = [heading.strip() for heading in table.headings]
    missing = [name for name in required if name not in headings]
    if missing:
        raise MalformedTable(
            f"the table lacks the column(s) {', '.join(missing)}; "
            f"it has: {' | '.join(headings)}; this step needs: {' | '.join(required)}"
        )
    return [{heading: cell.strip() for heading, cell in zip(headings, row.cells, strict=True)} for row in table.rows]
