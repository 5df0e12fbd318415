"""Phrase definitions read from Gherkin, and matching a step text that still holds parameters."""

from __future__ import annotations

import textwrap

import pytest
from behave.matchers import ParseMatcher

from handoff.phrases import PhraseError, read_definitions
from handoff.phrases.matching import HOLE, can_match, clashes, phrases_clash, with_holes


def _matcher(pattern: str) -> ParseMatcher:
    return ParseMatcher(lambda context, **kwargs: None, pattern)


def _definitions(tmp_path, text: str):
    path = tmp_path / "phrases.feature"
    path.write_text(textwrap.dedent(text))
    return read_definitions([path])


def test_only_the_phrases_own_parameters_become_holes():
    assert (
        with_holes('{person} uses the bearer token "{token}"', ("person",))
        == f'{HOLE} uses the bearer token "{{token}}"'
    )
    assert with_holes("{who} has {n:d} apples") == f"{HOLE} has {HOLE} apples"


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("{name} has {count:d} apples", f"{HOLE} has {HOLE} apples", True),
        ("{name} has {count:d} apples", f"{HOLE} has 3 apples", True),
        ("{name} has {count:d} apples", f"{HOLE} has many apples", False),
        ('I send a request to "{path}"', f'I send a request to "/users/{HOLE}/orders"', True),
        ("the basket is empty", f"the {HOLE} is empty", False),
    ],
)
def test_an_inner_step_matches_when_each_parameter_fills_a_field(pattern, text, expected):
    assert can_match(_matcher(pattern), text) is expected


def test_a_phrase_clashes_with_a_step_when_one_text_could_match_both():
    assert clashes(_matcher("{name} has {count:d} apples in the bag"), "{who} has {n:d} apples in the bag")
    assert clashes(_matcher("Alice is ready"), "{person} is ready")  # the step's text is one the phrase matches
    assert not clashes(_matcher("{name} has {count:d} apples"), "{who} has {n:d} apples in the bag")
    assert not phrases_clash("{person} goes round", "{person} goes round again")
    assert phrases_clash("{person} is ready", "{who} is {state}")


def test_expanding_puts_in_the_parameters_and_leaves_scenario_variables_and_json_alone(tmp_path):
    (definition,) = _definitions(
        tmp_path,
        """\
        Feature: phrases
          Scenario: {person} orders {n:d} "{item}"
            When I send a POST request to orders "/orders/{person}" with
              \"\"\"
              {"item": "{item}", "quantity": {n}, "token": "{token}", "nested": {"a": 1}}
              \"\"\"
            Then the orders database has a row in "orders" with
              | owner    | item   | total   |
              | {person} | {item} | {total} |
        """,
    )
    assert definition.parameters == ("person", "n", "item")
    post, check = definition.expand({"person": "Alice", "n": "2", "item": "tea-{unique_id}"})
    assert post.name == 'I send a POST request to orders "/orders/Alice" with'
    assert str(post.text) == '{"item": "tea-{unique_id}", "quantity": 2, "token": "{token}", "nested": {"a": 1}}'
    assert (post.filename, post.line) == (definition.filename, definition.line + 1)
    assert [list(row.cells) for row in check.table.rows] == [["Alice", "tea-{unique_id}", "{total}"]]
    assert definition.steps[0].name == 'I send a POST request to orders "/orders/{person}" with'  # unchanged


def test_what_a_definition_file_cannot_hold_is_named_by_line(tmp_path):
    with pytest.raises(PhraseError) as raised:
        _definitions(
            tmp_path,
            """\
            Feature: phrases
              Background:
                Given the variable "x" is "1"

              Scenario Outline: {person} with <thing>
                Given the variable "x" is "<thing>"
                Examples:
                  | thing |
                  | a     |

              Scenario: {} unnamed
                Given the variable "x" is "1"

              Scenario: {person} without steps
            """,
        )
    problems = "\n".join(raised.value.problems)
    assert "phrases.feature:2: a phrase file has no Background" in problems
    assert "phrases.feature:5: a phrase is a Scenario, not a Scenario Outline" in problems
    assert 'phrases.feature:11: the phrase "{} unnamed" has an unnamed parameter' in problems
    assert 'phrases.feature:14: the phrase "{person} without steps" has no steps' in problems


def test_a_placeholder_reading_like_a_misspelt_parameter_is_an_error_a_scenario_variable_is_not(tmp_path):
    (definition,) = _definitions(
        tmp_path,
        """\
        Feature: phrases
          Scenario: {name} is listed
            Given I save the response at "$.names" as "names"
            Then the variable "x" is "{name} in {names} at {now} by {unique_email}"
        """,
    )
    assert definition.parameters == ("name",)
    with pytest.raises(PhraseError) as raised:
        _definitions(
            tmp_path,
            """\
            Feature: phrases
              Scenario: {name} is listed
                Then the variable "x" is "{name} and {nmae}"
            """,
        )
    (problem,) = raised.value.problems
    assert problem.endswith(
        'phrases.feature:3: "Then the variable "x" is "{name} and {nmae}"" uses {nmae}, which is no parameter '
        'of the phrase "{name} is listed": did you mean {name}?'
    )
