"""JSON doc strings, inline expected values, JSON paths and schemas."""

import pytest

from handoff.matching.json_payloads import BadJson, find, parse_document, parse_expected, schema_errors
from handoff.matching.patterns import MISSING


def test_a_bad_doc_string_names_line_and_column():
    with pytest.raises(BadJson) as error:
        parse_document('{\n  "a": 1,\n  "b": \n}')
    assert "line 4, column 1" in str(error.value)


@pytest.mark.parametrize(("text", "value"), [('"PAID"', "PAID"), ("12", 12), ("null", None), ("#uuid", "#uuid")])
def test_inline_expected_values(text, value):
    assert parse_expected(text) == value


def test_unquoted_text_is_refused_with_advice():
    with pytest.raises(BadJson, match="write text in double quotes"):
        parse_expected("PAID")


def test_json_paths():
    document = {"items": [{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}]}
    assert find(document, "$.items[0].id") == 1
    assert find(document, "items[1].id") == 2
    assert find(document, "$.items[*].id") == [1, 2]
    assert find(document, "$.items[?(@.id > 1)].id") == [2]
    assert find(document, "$.nothing") is MISSING


def test_schema_violations_name_their_paths():
    schema = {"type": "object", "required": ["id"], "properties": {"n": {"type": "integer"}}}
    assert schema_errors({"n": "x"}, schema) == ["$: 'id' is a required property", "$.n: 'x' is not of type 'integer'"]
    assert schema_errors({"id": 1, "n": 2}, schema) == []
