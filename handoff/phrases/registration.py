"""Phrase definitions as behave steps: checked against the run's step registry, then registered in it.

A phrase is registered as a ``@step`` (any keyword calls it) when behave loads its step
modules, so that ``behave --dry-run``, the step catalog and every run know it. Handoff's
runner (handoff/adapter/runner.py, named in ``behave.ini``) does it right after behave has
loaded all of ``steps/``: only then are all the Python steps known that phrases use and
must not clash with (behave loads the modules in name order, so ``from handoff.steps
import *`` in ``steps/handoff_steps.py`` runs before ``steps/orders_steps.py``), and only
the runner knows the project folder. Under behave's own runner Handoff's ``before_all``
does it instead, which serves every run but a dry one (dry runs run no hooks).
``handoff steps`` does it after loading the steps as behave does.

Before registering, the whole set is checked, and every problem is named with its file
and line:

* a phrase that clashes with a step or with another phrase (one step text would match both);
* an inner step that no step and no phrase matches (undefined);
* a phrase that uses itself, directly or through other phrases.

The arguments reach the phrase as the feature wrote them (the text of ``{count:d}``, not
the number), since they are put into the inner steps' text, where the inner steps' own
types convert them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from behave.matchers import ParseMatcher, get_step_matcher_factory
from behave.model_type import Argument, FileLocation
from behave.step_registry import AmbiguousStep

from handoff.phrases.definitions import (
    Definition,
    PhraseError,
    definitions_and_problems,
    phrase_files,
    phrase_folders,
)
from handoff.phrases.matching import can_match, clashes, pattern_matches, phrases_clash, with_holes
from handoff.phrases.running import run_phrase

_INSTALLED: weakref.WeakKeyDictionary[Any, list[Definition]] = weakref.WeakKeyDictionary()


class PhraseMatcher(ParseMatcher):
    """behave's parse matcher, except that each argument is handed on as the text the step wrote,
    and that the step is located in its definition file (behave's console, its ambiguity errors)."""

    NAME = "handoff-phrase"

    @property
    def location(self):
        phrase = phrase_of(self)
        return FileLocation(phrase.filename, phrase.line) if phrase else super().location

    def check_match(self, step_text):
        arguments = super().check_match(step_text)  # the types still decide what matches
        if arguments is None:
            return None
        return [Argument(a.start, a.end, a.original, a.original, a.name) for a in arguments]

    def match(self, step_text):
        matched = super().match(step_text)
        if matched is not None:
            matched.location = self.location
        return matched


def install(registry: Any, base_dir: str | Path, feature_paths: Iterable[str | Path]) -> list[Definition]:
    """Read the ``phrases/`` folders for these features, check them and register them (once per registry)."""
    if registry in _INSTALLED:
        return _INSTALLED[registry]
    definitions, problems = definitions_and_problems(phrase_files(phrase_folders(base_dir, feature_paths)))
    problems += check(definitions, registry)
    if problems:
        raise PhraseError(sorted(problems, key=_file_and_line))
    register(definitions, registry)
    _INSTALLED[registry] = definitions
    return definitions


def check(definitions: Sequence[Definition], registry: Any) -> list[str]:
    """What is wrong with the definitions, given the steps already registered: ``file:line: ...`` each."""
    steps = {kind: [d for d in found if phrase_of(d) is None] for kind, found in registry.steps.items()}
    problems = []
    for definition in definitions:
        for kind, found in steps.items():
            for step in found:
                if clashes(step, definition.phrase):
                    problems.append(
                        f'{definition.where}: the phrase "{definition.phrase}" clashes with the step '
                        f'@{kind}("{step.pattern}") ({step.location}): one step text could match both; '
                        "reword the phrase"
                    )
    for index, definition in enumerate(definitions):
        for earlier in definitions[:index]:
            if phrases_clash(definition.phrase, earlier.phrase):
                problems.append(
                    f'{definition.where}: the phrase "{definition.phrase}" clashes with the phrase '
                    f'"{earlier.phrase}" ({earlier.where}): one step text could match both; reword one of them'
                )
    uses: dict[int, list[tuple[Any, Definition]]] = {}
    for definition in definitions:
        for step in definition.steps:
            text = with_holes(step.name, definition.parameters)
            candidates = steps.get(step.step_type, []) + steps["step"]
            if any(can_match(found, text) for found in candidates):
                continue
            used = next((d for d in definitions if pattern_matches(d.phrase, text)), None)
            if used is None:
                problems.append(
                    f'{step.filename}:{step.line}: the step "{step.keyword} {step.name}" of the phrase '
                    f'"{definition.phrase}" is undefined: no step and no phrase matches it'
                )
            else:
                uses.setdefault(id(definition), []).append((step, used))
    problems += _cycles(definitions, uses)
    return problems


def inner_step_definitions(definitions: Iterable[Definition], registry: Any) -> list[Any]:
    """The registered step definitions that the phrases' inner steps run (as :func:`check` matches them)."""
    found = []
    for definition in definitions:
        for step in definition.steps:
            text = with_holes(step.name, definition.parameters)
            candidates = registry.steps.get(step.step_type, []) + registry.steps["step"]
            found += [candidate for candidate in candidates if can_match(candidate, text)][:1]
    return found


def register(definitions: Iterable[Definition], registry: Any) -> None:
    factory = get_step_matcher_factory()
    factory.register_step_matcher_class(PhraseMatcher.NAME, PhraseMatcher, override=True)
    previous = factory.current_matcher
    factory.use_step_matcher(PhraseMatcher.NAME)
    try:
        for definition in definitions:
            registry.add_step_definition("step", definition.phrase, _step_function(definition))
    except AmbiguousStep as error:  # check() found none; a step registered meanwhile
        raise PhraseError([str(error)]) from None
    finally:
        factory.use_step_matcher(previous.NAME)


def phrase_of(step_definition: Any) -> Definition | None:
    """The phrase a registered step definition runs, or None for a Python step."""
    return getattr(getattr(step_definition, "func", None), "handoff_phrase", None)


def _step_function(definition: Definition):
    def step_of_a_phrase(context, **arguments):
        # By keyword: handoff/gherkin/lint.py reads a step that hands `context` on as one that may
        # read a doc string; a phrase reads none, so a doc string under it is an error before it runs.
        run_phrase(context=context, definition=definition, arguments=arguments)

    step_of_a_phrase.handoff_phrase = definition
    step_of_a_phrase.__doc__ = definition.description or f"Defined in Gherkin: {definition.where}."
    return step_of_a_phrase


def _file_and_line(problem: str) -> tuple[str, int]:
    filename, _, rest = problem.partition(":")
    line = rest.split(":", 1)[0]
    return filename, int(line) if line.isdigit() else 0


def _cycles(definitions: Sequence[Definition], uses: dict[int, list[tuple[Any, Definition]]]) -> list[str]:
    problems: list[str] = []
    reported: set[frozenset[int]] = set()

    def visit(definition: Definition, path: list[tuple[Definition, Any]]) -> None:
        for step, used in uses.get(id(definition), []):
            chain = [*path, (definition, step)]
            starts = [index for index, (seen, _) in enumerate(chain) if seen is used]
            if starts:
                loop = chain[starts[0] :]
                key = frozenset(id(seen) for seen, _ in loop)
                if key not in reported:
                    reported.add(key)
                    route = " -> ".join(f'"{seen.phrase}" ({s.filename}:{s.line})' for seen, s in loop)
                    problems.append(f'{used.where}: the phrase "{used.phrase}" uses itself: {route} -> "{used.phrase}"')
            elif len(chain) <= len(definitions):
                visit(used, chain)

    for definition in definitions:
        visit(definition, [])
    return problems
