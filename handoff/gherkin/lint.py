"""Gherkin that behave accepts but that cannot mean what its author wrote: an error naming file and line.

behave is lenient in three places where a request then silently goes out empty:

* a doc string opened and never closed: behave drops it (the step gets no text);
* a step whose phrase ends in "with" (the generic vocabulary's sign that a doc string
  or a table follows) with neither under it;
* a doc string or a table under a step whose definition never reads it.

:func:`problems_in` finds them in one feature before its first scenario runs.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

DOC_STRING_FENCES = ('"""', "```")
ATTRIBUTES = (("text", "doc string"), ("table", "table"))


class MalformedFeature(Exception):
    """A feature file that parses, but says something its steps cannot do."""


def problems_in(feature: Any, find_definition) -> list[str]:
    """``path:line: what is wrong`` for each problem; ``find_definition(step)`` is behave's registry lookup."""
    found = list(_unclosed_doc_strings(Path(feature.filename)))
    for step in _steps_of(feature):
        where = f"{step.filename}:{step.line}"
        definition = find_definition(step)
        if definition is None:  # undefined: behave says so itself, with a snippet
            continue
        reads = {kind: _may_read(definition.func, attribute) for attribute, kind in ATTRIBUTES}
        if str(definition.pattern).endswith(" with") and any(reads.values()) and step.text is step.table is None:
            found.append(f'{where}: "{step.keyword} {step.name}" ends in "with", but no doc string or table follows')
        for given, (_, kind) in zip((step.text, step.table), ATTRIBUTES, strict=True):
            if given is not None and not reads[kind]:
                found.append(
                    f'{where}: "{step.keyword} {step.name}" has a {kind} under it, but its step '
                    f"({definition.location}) does not read one: remove the {kind}, or use a phrase that takes one"
                )
    return found


def _steps_of(feature: Any) -> Iterator[Any]:
    if feature.background:
        yield from feature.background.steps
    for scenario in feature.walk_scenarios():
        yield from scenario.steps


def _unclosed_doc_strings(path: Path) -> Iterator[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    opened: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if opened is None:
            fence = next((f for f in DOC_STRING_FENCES if stripped.startswith(f)), None)
            if fence:
                opened = (number, fence)
        elif stripped.startswith(opened[1]):
            opened = None
    if opened is not None:
        yield f"{path}:{opened[0]}: a doc string opened here with {opened[1]} is never closed"


@cache
def _may_read(function: Any, attribute: str) -> bool:
    """Whether a step function can read ``context.<attribute>``: it names it, or hands ``context`` on."""
    function = inspect.unwrap(function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return True  # cannot tell: never a false alarm
    definition = tree.body[0]
    for node in ast.walk(ast.Module(body=definition.body, type_ignores=[])):
        if isinstance(node, ast.Attribute) and node.attr == attribute and _is_context(node.value):
            return True
        if isinstance(node, ast.Call) and any(_is_context(argument) for argument in node.args):
            return True  # hands the context on: it may read it there
    return False


def _is_context(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "context"
