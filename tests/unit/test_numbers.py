"""Numbers, comparisons and arithmetic: one answer whatever carried the number."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handoff.database.table_checks import as_cell, cell_matches
from handoff.matching.comparisons import NotComparable, comparison, from_marker
from handoff.matching.numbers import is_number, number_text, parse_number, plain, same_number
from handoff.matching.patterns import match, matches
from handoff.variables.checks import saved_value_is
from handoff.variables.expressions import ExpressionError
from handoff.variables.scenario_variables import Variables, as_text
from handoff.variables.unique_data import UniqueData

# Amounts of money as PostgreSQL (Decimal with two places) and SQLite (float or int) give them.
cents = st.integers(min_value=-(10**12), max_value=10**12)


def _as_postgres(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def _as_sqlite(amount: int) -> float | int:
    value = float(_as_postgres(amount))
    return int(value) if value.is_integer() else value


@given(cents)
def test_a_decimal_and_the_float_sqlite_gives_for_it_are_the_same_number(amount):
    postgres, sqlite = _as_postgres(amount), _as_sqlite(amount)
    assert same_number(postgres, sqlite)
    assert number_text(postgres) == number_text(sqlite)
    assert plain(postgres) == sqlite and type(plain(postgres)) is type(sqlite)
    assert matches(sqlite, postgres) and matches(postgres, sqlite)
    assert cell_matches(postgres, f"{postgres:.2f}") and cell_matches(sqlite, f"{postgres:.2f}")
    assert as_cell(postgres) == as_cell(sqlite)


@given(cents, cents)
def test_different_amounts_are_never_equal(first, second):
    if first != second:
        assert not same_number(_as_postgres(first), _as_sqlite(second))
        assert not cell_matches(_as_postgres(first), number_text(_as_postgres(second)))


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(0, "0.00"), (Decimal("0.00"), "0"), (34.5, "34.50"), (Decimal("34.50"), "34.5"), (3, "3.0"), (0.1, "0.10")],
)
def test_numbers_written_differently_are_equal_in_cells_and_saved_values(actual, expected):
    assert cell_matches(actual, expected)
    assert saved_value_is(actual, expected) == []


def test_text_stays_text_and_booleans_are_no_numbers():
    assert not cell_matches("007", "7")  # a text column holds text
    assert saved_value_is("50.00", "50") != []
    assert not is_number(True) and not matches(1, True) and not matches(True, 1)
    assert parse_number("1e3") == Decimal("1000") and parse_number("12 EUR") is None


def test_the_number_marker_and_decimals_in_messages():
    assert matches(Decimal("34.50"), "#number")
    assert str(match({"total": Decimal("39.98")}, {"total": 40})[0]) == "$.total: expected 40, got 39.98"


def test_a_saved_decimal_or_date_renders_bare_never_doubly_quoted():
    variables = Variables(UniqueData("run0"))
    variables.save("row", {"price": Decimal("39.98"), "on": date(2026, 12, 1), "at": datetime(2026, 12, 1, 10, 0)})
    rendered = variables.render('{"price": {row.price}, "label": "{row.price}", "on": "{row.on}"}')
    assert rendered == '{"price": 39.98, "label": "39.98", "on": "2026-12-01"}'
    assert variables.render("{row}") == '{"price": 39.98, "on": "2026-12-01", "at": "2026-12-01T10:00:00"}'
    assert as_text(Decimal("3.00")) == as_text(3) == "3"


@pytest.mark.parametrize(
    ("relation", "bounds", "actual", "holds"),
    [
        ("greater than", ("3",), 3.01, True),
        ("greater than", ("3",), Decimal("3.00"), False),
        ("at least", ("3",), Decimal("3.00"), True),
        ("at most", ("0.3",), 0.30000000000000004, False),
        ("less than", ("70",), "69.30", True),  # money sent as text still compares as a number
        ("between", ("69", "69.30"), 69.3, True),
        ("between", ("69", "69.30"), 69.31, False),
        ("at least", ("2026-12-01",), "2026-12-01T10:00:00Z", True),
        ("less than", ("2026-12-01T10:00:00+01:00",), datetime(2026, 12, 1, 8, 30), True),
        ("greater than", ("3",), "three", False),
        ("greater than", ("3",), None, False),
        ("greater than", ("3",), True, False),
    ],
)
def test_comparisons(relation, bounds, actual, holds):
    assert (comparison(relation, *bounds).failure(actual) is None) is holds


def test_comparison_markers_in_patterns_and_cells():
    assert from_marker("#>= 2") == comparison("at least", "2")
    assert from_marker("#between 1 and 5").describe() == "between 1 and 5 (inclusive)"
    assert matches({"total": 69.3}, {"total": "#> 69"}) and not matches({"total": 69}, {"total": "#> 69"})
    assert cell_matches(Decimal("34.50"), "#between 0.1 and 34.50") and not cell_matches(3, "#< 3")
    assert matches(1, "#!= 0") and not matches(Decimal("0.00"), "#!= 0") and matches("PAID", "#!= FAILED")
    with pytest.raises(NotComparable, match="first bound is greater"):
        comparison("between", "5", "1")
    with pytest.raises(NotComparable, match="needs a number"):
        comparison("at least", "lots")


def test_each_element_matches_an_object_pattern():
    items = [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}]
    assert matches(items, '#[] {"id": "#number", "title": "#string"}')
    assert matches({"items": items}, {"items": '#[2] {"id": "#> 0"}'}, "contains")  # each element contains it
    assert not matches({"items": items}, {"items": '#[2] {"id": "#> 0"}'})  # each element is exactly it
    failures = match([*items, {"id": "3", "title": "c"}], '#[] {"id": "#number", "title": "#string"}')
    assert [str(m) for m in failures] == ['$[2].id: expected #number, got "3"']


@pytest.fixture
def variables():
    values = Variables(UniqueData("run0"))
    values.save("price", Decimal("34.50"))
    values.save("a", 0.1)
    values.save("before", {"num_allocated": 3, "items": 2})
    values.save("total", 39.98)
    return values


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("{price * 2}", "69"),
        ("{a + 0.2}", "0.3"),
        ("{before.num_allocated + 2}", "5"),
        ("{before.items + 1}", "3"),  # a field named like a dict method is still the field
        ("{total - 0.01}", "39.97"),
        ("{round(total / 3, 2)}", "13.33"),
        ('{"total": {total - 0.01}}', '{"total": 39.97}'),
        ("{now+5m}", None),  # still a time offset, not arithmetic
        (r"code: (\d{6})", r"code: (\d{6})"),
        ('{"a": {"b": 1}}', '{"a": {"b": 1}}'),
        ("{Hello world}", "{Hello world}"),
    ],
)
def test_arithmetic_in_templates(variables, template, rendered):
    if rendered is None:
        assert variables.render(template).endswith("Z")
    else:
        assert variables.render(template) == rendered


def test_arithmetic_is_decimal_and_binds_as_one_parameter(variables):
    assert variables.render_value("{a + 0.2}") == Decimal("0.3")
    sql, params = variables.render_sql("SELECT 1 FROM t WHERE price = {price * 2} AND n = {before.items}")
    assert sql == "SELECT 1 FROM t WHERE price = :p0 AND n = :p1" and params == {"p0": Decimal("69.00"), "p1": 2}


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
)
def test_sums_of_amounts_are_exact(first, second):
    variables = Variables(UniqueData("run0"))
    variables.save("x", float(first))
    variables.save("y", str(second))
    assert variables.render_value("{x + y}") == first + second


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{price * nope}", r"cannot evaluate \{price \* nope\}: no variable 'nope'.*saved so far: a, before, price"),
        ("{before.missing + 1}", r"'missing' is not a field of before \(it has: \['items', 'num_allocated'\]\)"),
        ("{price * }", r"cannot evaluate \{price \* \}: invalid syntax.*known: saved so far"),
        ("{price / 0}", r"cannot evaluate \{price / 0\}: division by zero"),
        ("{price.__class__ + 1}", r"cannot evaluate"),
    ],
)
def test_an_expression_that_cannot_be_evaluated_is_named(variables, template, message):
    with pytest.raises(ExpressionError, match=message):
        variables.render(template)


def test_no_doc_string_or_step_of_the_sample_suite_is_taken_for_arithmetic():
    from behave.parser import parse_file

    from handoff.variables.scenario_variables import PLACEHOLDER
    from tests.suite.behave_run import ROOT

    texts = []
    for path in sorted((ROOT / "features").rglob("*.feature")):
        feature = parse_file(str(path))
        for scenario in feature.walk_scenarios(with_outlines=True):
            steps = [*(feature.background.steps if feature.background else []), *scenario.steps]
            texts += [text for step in steps for text in (step.name, step.text or "") if "{" in text]
    assert len(texts) > 50  # JSON doc strings, paths and cells with placeholders
    assert [t for t in texts if any(m["expression"] for m in PLACEHOLDER.finditer(t))] == []


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_number_written_out_reads_back_as_the_same_number(number):
    assert parse_number(number_text(number)) == number
    assert same_number(plain(number), number, text=True)


@given(st.decimals(-1000, 1000, places=3), st.decimals(-1000, 1000, places=3), st.decimals(-1000, 1000, places=3))
def test_between_is_at_least_the_low_and_at_most_the_high_bound(value, first, second):
    low, high = sorted([first, second])
    between = comparison("between", low, high).failure(float(value)) is None
    at_least = comparison("at least", str(low)).failure(value) is None
    at_most = comparison("at most", high).failure(str(value)) is None
    assert between == (at_least and at_most)
