"""Assertions whose failure messages explain themselves.

Every failure shows what was checked, expected and actual side by side, and the
evidence behind the actual value: the HTTP exchange or the database query, masked.
Columns named like credentials are compared on their values and shown as ``****``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from handoff.report.masking import MASK, Masker, is_credential_column


class Evidence(Protocol):
    def summary(self) -> str: ...


class ExpectationFailed(AssertionError):
    """A check of the system under test did not hold."""


class Checker:
    """Makes checks and, when one fails, a message a reader can act on."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker

    def equal(self, what: str, expected: Any, actual: Any, *evidence: Evidence | None) -> None:
        if expected != actual:
            self.fail(what, f"expected: {expected!r}\nactual:   {actual!r}", *evidence)

    def that(self, condition: bool, what: str, detail: str, *evidence: Evidence | None) -> None:
        if not condition:
            self.fail(what, detail, *evidence)

    def rows(
        self,
        what: str,
        expected: Sequence[Mapping[str, Any]],
        actual: Sequence[Mapping[str, Any]],
        *evidence: Evidence | None,
    ) -> None:
        """The same rows in any order, compared on the expected rows' columns."""
        columns = list(dict.fromkeys(column for row in expected for column in row))
        want = sorted(_normalised(row, columns) for row in expected)
        got = sorted(_normalised(row, columns) for row in actual)
        if want != got:
            self.fail(
                what,
                "expected rows:\n"
                + format_table(columns, _shown(columns, want))
                + "\nactual rows:\n"
                + format_table(columns, _shown(columns, got)),
                *evidence,
            )

    def fail(self, what: str, detail: str, *evidence: Evidence | None) -> None:
        lines = [f"{what}:", *("  " + line for line in detail.splitlines())]
        shown = [item for item in evidence if item is not None]
        if shown:
            lines.append("  evidence:")
            lines += [f"    {item.summary()}" for item in shown]
        raise ExpectationFailed(self.masker.mask("\n".join(lines)))


def _shown(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[list[str]]:
    """Rows as a message shows them: columns named like credentials as ``****``."""
    hidden = [is_credential_column(column) for column in columns]
    return [[MASK if hide and cell else cell for cell, hide in zip(row, hidden, strict=True)] for row in rows]


def _normalised(row: Mapping[str, Any], columns: Iterable[str]) -> tuple[str, ...]:
    return tuple("" if row.get(column) is None else str(row.get(column)) for column in columns)


def format_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(row) for row in rows]
    widths = [max([len(column)] + [len(row[i]) for row in rows]) for i, column in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "    | " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    body = [line(row) for row in rows] or ["    (no rows)"]
    return "\n".join([line(columns), *body])
