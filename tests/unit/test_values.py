"""Money, unique test data and data tables."""

from types import SimpleNamespace

import pytest

from handoff.gherkin.tables import MalformedTable, table_rows
from handoff.variables.unique_data import UniqueData
from support.money import Money


def test_money_reads_and_writes_as_features_do():
    assert Money.parse("45.00 EUR") == Money(4500, "EUR")
    assert Money.parse("0.99 EUR") == Money(99, "EUR")
    assert Money.parse("1000 EUR") == Money(100000, "EUR")
    assert str(Money(4505, "EUR")) == "45.05 EUR"
    assert Money(1250, "EUR") * 3 == Money(3750, "EUR")


@pytest.mark.parametrize("text", ["45 euros", "EUR 45.00", "45.001 EUR", ""])
def test_money_refuses_what_is_not_money(text):
    with pytest.raises(ValueError, match="is not an amount of money"):
        Money.parse(text)


def test_unique_data_never_repeats_within_or_across_runs():
    first, second = UniqueData("run1"), UniqueData("run2")
    emails = {first.email("Alice") for _ in range(100)} | {second.email("Alice") for _ in range(100)}
    assert len(emails) == 200
    assert first.email("Alice").endswith("@example.test")
    assert first.sku("Blue Mug").startswith("BLUE-MUG-")
    assert UniqueData.password() != UniqueData.password()


def _table(headings, *rows):
    return SimpleNamespace(headings=headings, rows=[SimpleNamespace(cells=list(r)) for r in rows])


def test_table_rows_by_heading():
    table = _table(["product", " price "], ["Mug", " 1.00 EUR"])
    assert table_rows(table, "product", "price") == [{"product": "Mug", "price": "1.00 EUR"}]


def test_a_table_missing_a_column_says_which():
    with pytest.raises(MalformedTable, match=r"lacks the column\(s\) stock; it has: product \| price"):
        table_rows(_table(["product", "price"]), "product", "price", "stock")


def test_a_missing_table_says_what_is_needed():
    with pytest.raises(MalformedTable, match=r"needs a table with the columns: product \| quantity"):
        table_rows(None, "product", "quantity")
