"""Checks of saved scenario variables: equal (numbers by value), not equal, compared."""

from __future__ import annotations

from typing import Any

from handoff.matching.comparisons import Comparison
from handoff.matching.numbers import is_number, same_number
from handoff.matching.patterns import is_marker, match
from handoff.variables.scenario_variables import as_text
from handoff.world import World


def saved_value_is(actual: Any, expected: str, name: str = "value") -> list[str]:
    """Why a saved value differs from a feature's text or marker; empty when it does not.

    A saved number equals text written as the same number (``34.50`` is ``34.5``); anything
    else compares as the text it is written as in a template.
    """
    if is_marker(expected):
        return [str(mismatch) for mismatch in match(actual, expected, path=name)]
    if is_number(actual) and same_number(actual, expected, text=True):
        return []
    return [] if as_text(actual) == expected else [f"expected: {expected!r}\nactual:   {_shown(actual)}"]


def expect_saved_value(world: World, name: str, expected: str) -> None:
    reasons = saved_value_is(world.variables.get(name), expected, name)
    world.check.that(not reasons, f"saved value {name!r}", "\n".join(reasons))


def expect_saved_value_not(world: World, name: str, unexpected: str) -> None:
    actual = world.variables.get(name)
    world.check.that(
        bool(saved_value_is(actual, unexpected)),
        f"saved value {name!r}",
        f"expected: anything but {unexpected!r}\nactual:   {_shown(actual)}",
    )


def expect_saved_comparison(world: World, name: str, comparison: Comparison) -> None:
    actual = world.variables.get(name)
    world.check.that(
        comparison.failure(actual) is None,
        f"saved value {name!r}",
        f"expected: {comparison.describe()}\nactual:   {_shown(actual)}",
    )


def _shown(value: Any) -> str:
    """Text in quotes, anything else (numbers, objects) as it goes into a template."""
    return repr(value) if isinstance(value, str) else as_text(value)
