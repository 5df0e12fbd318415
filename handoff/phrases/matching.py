"""Whether a step text with parameters in it can match a step definition, before any value is known.

An inner step ``Given {person} has an account`` is checked against the definitions
registered with behave while ``{person}`` is still a parameter. Each parameter becomes a
hole (a character no step text contains), and each field of a definition's pattern
accepts a hole besides what its type accepts: the inner step can match a definition
when each of its parameters fills a whole field of that definition (``{name:Person}``),
or lies inside a field that takes any text (``"/users/{id}"`` in ``"{path}"``).

The same test, both ways round, finds a phrase that clashes with a step: either pattern,
with its fields as holes, matches the other.
"""

from __future__ import annotations

import re
from typing import Any

import parse
from behave.matchers import ParseMatcher

HOLE = "\x00"
FIELD = re.compile(r"\{[^{}]*\}")
# parse's own format types, as parse reads them (roughly): a hole is accepted besides.
BUILTIN_TYPES = {
    "d": r"[-+ ]?\d+",
    "n": r"\d{1,3}(?:[,.]\d{3})*",
    "f": r"[-+ ]?\d*\.\d+",
    "F": r"[-+ ]?\d*\.\d+",
    "e": r"[-+ ]?\d*\.\d+[eE][-+]?\d+",
    "g": r"[-+ ]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?",
    "w": r"\w+",
    "W": r"\W+",
    "s": r"\s+",
    "S": r"\S+",
    "D": r"\D+",
    "l": r"[A-Za-z]+",
}


def with_holes(text: str, parameters: tuple[str, ...] | None = None) -> str:
    """``text`` with each of the parameters (every ``{field}`` of a pattern, if None) as a hole."""
    escaped = text.replace("{{", "\x01").replace("}}", "\x02")

    def hole(match: re.Match) -> str:
        name = match.group(0)[1:-1].split(":")[0]
        return HOLE if parameters is None or name in parameters else match.group(0)

    return FIELD.sub(hole, escaped).replace("\x01", "{").replace("\x02", "}")


def can_match(definition: Any, text: str) -> bool:
    """Whether behave's step definition (a matcher in its registry) can match ``text``, holes included."""
    if isinstance(definition, ParseMatcher) and type(definition).PARSER_CLASS is parse.Parser:
        return pattern_matches(definition.pattern, text)
    try:  # another kind of matcher (re, cfparse): holes are plain text to it
        return definition.check_match(text) is not None
    except Exception:  # a converter refusing a hole: no match
        return False


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether a parse pattern (a phrase's title) can match ``text``, holes included."""
    return _widened(pattern).parse(text) is not None


def clashes(definition: Any, phrase: str) -> bool:
    """Whether one step text could match both a registered definition and the phrase's pattern."""
    if can_match(definition, with_holes(phrase)):
        return True
    pattern = getattr(definition, "pattern", None)
    return isinstance(definition, ParseMatcher) and pattern_matches(phrase, with_holes(pattern))


def phrases_clash(phrase: str, other: str) -> bool:
    return pattern_matches(phrase, with_holes(other)) or pattern_matches(other, with_holes(phrase))


_CACHE: dict[tuple[str, int, int], parse.Parser] = {}


def _widened(pattern: str) -> parse.Parser:
    types = ParseMatcher.TYPE_REGISTRY
    key = (pattern, id(types), len(types))
    if key not in _CACHE:
        widened = {name: _accepting_holes(getattr(c, "pattern", r".+?")) for name, c in types.items()}
        for name, regex in BUILTIN_TYPES.items():
            widened.setdefault(name, _accepting_holes(regex))
        _CACHE[key] = parse.compile(pattern, extra_types=widened, case_sensitive=True)
    return _CACHE[key]


def _accepting_holes(regex: str):
    def convert(text: str) -> str:
        return text

    convert.pattern = f"(?:{HOLE}|{regex})"
    convert.regex_group_count = re.compile(regex).groups
    return convert
