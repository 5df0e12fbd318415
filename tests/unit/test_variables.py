"""Scenario variables and templating."""

import re

import pytest

from handoff.variables.scenario_variables import UnknownVariable, Variables
from handoff.variables.unique_data import UniqueData


@pytest.fixture
def variables():
    values = Variables(UniqueData("run0"), {"api_key": "k-123"})
    values.save("order", {"id": "ord_1", "lines": [{"sku": "A"}]})
    values.save("count", 3)
    return values


def test_placeholders_are_filled_and_json_is_left_alone(variables):
    assert variables.render('{"id": "{order.id}", "n": {count}}') == '{"id": "ord_1", "n": 3}'
    assert variables.render("{order.lines.0.sku}") == "A"
    assert variables.render('{"a": {"b": 1}}') == '{"a": {"b": 1}}'


def test_one_placeholder_keeps_the_value_itself(variables):
    assert variables.render_value("{count}") == 3
    assert variables.render_value("{order}")["id"] == "ord_1"
    assert variables.render_value("n={count}") == "n=3"


def test_sql_gets_bound_parameters_not_text(variables):
    sql, params = variables.render_sql("SELECT * FROM orders WHERE id = {order.id} AND n > {count}")
    assert sql == "SELECT * FROM orders WHERE id = :p0 AND n > :p1"
    assert params == {"p0": "ord_1", "p1": 3}


def test_built_in_values(variables):
    assert re.fullmatch(r"[0-9a-f-]{36}", variables.render("{uuid}"))
    assert variables.render("{uuid}") != variables.render("{uuid}")
    assert variables.render("{unique_email}").endswith("@example.test")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", variables.render("{now+5m}"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", variables.render("{today-1d}"))
    assert variables.render("{secrets.api_key}") == "k-123"


def test_unknown_names_are_explained(variables):
    with pytest.raises(UnknownVariable, match=r"no variable 'ordr'.*saved so far: count, order"):
        variables.render("{ordr.id}")
    with pytest.raises(UnknownVariable, match="'missing' is not in"):
        variables.render("{order.missing}")
    with pytest.raises(UnknownVariable, match=r"no secret 'nope' \(configured secrets: api_key\)"):
        variables.render("{secrets.nope}")
