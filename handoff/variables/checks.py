"""Checks of saved scenario variables."""

from __future__ import annotations

from handoff.matching.patterns import is_marker, match
from handoff.world import World


def expect_saved_value(world: World, name: str, expected: str) -> None:
    actual = world.variables.get(name)
    if is_marker(expected):
        mismatches = match(actual, expected, path=name)
        world.check.that(not mismatches, f"saved value {name!r}", "\n".join(str(m) for m in mismatches))
    else:
        world.check.equal(f"saved value {name!r}", expected, actual if isinstance(actual, str) else str(actual))
