"""The fuzzy matcher: markers, modes, and properties that must always hold."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handoff.matching.patterns import CONTAINS, CONTAINS_ONLY, EQUAL, MISSING, InvalidMarker, match, matches

# JSON values without marker strings (a string starting with # would be a marker).
plain_text = st.text().filter(lambda s: not s.startswith("#"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | plain_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(plain_text, children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_every_value_matches_itself_in_every_mode(value):
    assert match(value, value) == []
    assert match(value, value, CONTAINS) == []
    if isinstance(value, list):
        assert match(value, value, CONTAINS_ONLY) == []


@given(json_values)
def test_ignore_matches_anything(value):
    assert matches(value, "#ignore")
    assert matches({"a": value}, {"a": "#ignore"})


@given(st.dictionaries(plain_text, json_values, min_size=1, max_size=5), st.data())
def test_any_part_of_an_object_is_contained(whole, data):
    keys = data.draw(st.lists(st.sampled_from(sorted(whole)), unique=True))
    assert matches(whole, {key: whole[key] for key in keys}, CONTAINS)


@given(st.lists(st.integers(), max_size=6), st.randoms())
def test_contains_only_ignores_order(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert matches(items, shuffled, CONTAINS_ONLY)


@pytest.mark.parametrize(
    ("actual", "marker", "ok"),
    [
        ("x", "#string", True),
        (1, "#string", False),
        (1, "#number", True),
        (1.5, "#number", True),
        (True, "#number", False),
        (False, "#boolean", True),
        (None, "#null", True),
        (0, "#null", False),
        (0, "#notnull", True),
        (None, "#notnull", False),
        ([], "#array", True),
        ({}, "#object", True),
        ("6f1c1c52-5cc8-4a53-a3a3-1b6a5e40b3c1", "#uuid", True),
        ("not-a-uuid", "#uuid", False),
        ("2026-11-26T12:00:00Z", "#datetime", True),
        ("yesterday", "#datetime", False),
        ("ord_12ab", "#regex ord_[0-9a-f]+", True),
        ("xord_12ab", "#regex ord_[0-9a-f]+", False),
        ([1, 2], "#[2]", True),
        ([1, 2], "#[3]", False),
        (["a", "b"], "#[] #string", True),
        (["a", 2], "#[] #string", False),
        (None, "##string", True),
        ("x", "##string", True),
        (3, "##string", False),
    ],
)
def test_markers(actual, marker, ok):
    assert matches(actual, marker) is ok


def test_optional_and_absent_keys():
    assert matches({}, {"note": "##string"})
    assert matches({}, {"note": "#notpresent"})
    assert not matches({"note": 1}, {"note": "#notpresent"})
    assert not matches({}, {"note": "#null"})
    assert matches(MISSING, "#ignore")


def test_equal_reports_missing_and_unexpected_keys_with_paths():
    mismatches = match({"a": 1, "extra": True}, {"a": 2, "b": "#string"}, EQUAL)
    described = sorted(str(m) for m in mismatches)
    assert described == [
        "$.a: expected 2, got 1",
        "$.b: expected #string, got nothing (the key is missing)",
        "$.extra: expected no such key, got true",
    ]


def test_contains_reaches_into_arrays_and_objects():
    order = {"status": "PAID", "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}
    assert matches(order, {"lines": [{"sku": "B"}]}, CONTAINS)
    assert not matches(order, {"lines": [{"sku": "C"}]}, CONTAINS)
    assert not matches({"status": "UNPAID"}, {"status": "PAID"}, CONTAINS)  # no substrings inside objects


def test_an_array_contains_a_single_value():
    assert matches(["ord_1", "ord_2"], "ord_2", CONTAINS)
    assert not matches(["ord_1"], "ord_2", CONTAINS)


def test_a_string_compared_as_a_whole_may_contain_text():
    assert matches("Order ord_1 confirmed", "ord_1", CONTAINS)


def test_contains_only_names_the_extra_elements():
    [mismatch] = match([1, 2, 3], [3, 1], CONTAINS_ONLY)
    assert "also [2]" in str(mismatch)


def test_numbers_compare_by_value_but_not_with_booleans():
    assert matches(1, 1.0)
    assert not matches(1, True)


def test_an_unknown_marker_is_explained():
    with pytest.raises(InvalidMarker, match="unknown marker '#strin'"):
        match("x", "#strin")
    with pytest.raises(InvalidMarker, match="not a valid regular expression"):
        match("x", "#regex (")
