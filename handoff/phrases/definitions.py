"""Reading phrase definitions: ``phrases/*.feature``, each ``Scenario:`` a phrase, its steps the inner steps.

::

    # phrases/account.feature
    Feature: Account phrases

      Scenario: {person:Person} is signed in as "{email}"
        When I send a POST request to auth "/users" with
          \"\"\"
          {"email": "{email}", "password": "correct horse battery", "name": "{person}"}
          \"\"\"
        And I save the response at "$.token" as "token"

The title is a behave (parse) pattern: ``{name}`` takes any text, ``{name:Type}`` a
registered type (``{count:d}``, ``{who:Person}``). The inner steps use the parameters as
``{name}`` in their text, tables and doc strings; every other ``{placeholder}`` (a
scenario variable such as ``{token}``, ``{unique_email}``) is left for the generic steps
to fill in when they run. The files are read with behave's own parser.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import parse
from behave.matchers import ParseMatcher
from behave.model import ScenarioOutline, Step, Table, Text
from behave.parser import ParserError, parse_feature

FOLDER = "phrases"
# Only {identifier} is a placeholder (as in handoff/variables/scenario_variables.py): JSON stays as it is.
PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
BUILT_IN_VARIABLES = {"uuid", "unique_id", "unique_email", "now", "today"}


class PhraseError(Exception):
    """A phrase definition that cannot work: each line says ``file:line: what is wrong``."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Definition:
    """One phrase: its pattern, where it is written, and its inner steps (behave's model steps)."""

    phrase: str
    parameters: tuple[str, ...]
    steps: tuple[Step, ...]
    filename: str
    line: int
    description: str = ""
    feature: str = ""

    @property
    def where(self) -> str:
        return f"{self.filename}:{self.line}"

    def expand(self, arguments: dict[str, str]) -> list[Step]:
        """The inner steps with this call's arguments in place of the parameters (and nothing else)."""
        return [_expanded(step, arguments) for step in self.steps]


def phrase_folders(base_dir: str | Path, feature_paths: Iterable[str | Path]) -> list[Path]:
    """The ``phrases/`` folder nearest each features path: at or above it, up to behave's base folder.

    ``features/api`` and ``features`` both find ``./phrases``; ``tests/other_system/features``
    finds ``tests/other_system/phrases`` first (as behave finds ``steps/``, from the features up).
    """
    base = Path(base_dir).resolve()
    found: list[Path] = []
    for given in [*feature_paths] or [base]:
        text = re.sub(r"(:\d+)+$", "", str(given))  # features/cart.feature:12 names a file too
        if text.startswith("@"):  # a rerun file: its features lie below the base folder
            text = str(base)
        folder = Path(text).resolve()
        if folder.is_file() or folder.suffix == ".feature":
            folder = folder.parent
        for candidate in (folder, *folder.parents):
            if (candidate / FOLDER).is_dir():
                if candidate / FOLDER not in found:
                    found.append(candidate / FOLDER)
                break
            if candidate == base or base not in candidate.parents:
                break
    return found


def phrase_files(folders: Iterable[Path]) -> list[Path]:
    return [path for folder in folders for path in sorted(folder.rglob("*.feature"))]


def read_definitions(files: Iterable[Path]) -> list[Definition]:
    """Every definition in the files; :class:`PhraseError` naming file and line for what is wrong in one file."""
    definitions, problems = definitions_and_problems(files)
    if problems:
        raise PhraseError(problems)
    return definitions


def definitions_and_problems(files: Iterable[Path]) -> tuple[list[Definition], list[str]]:
    """The definitions that can be read, and ``file:line: ...`` for each problem found in one definition."""
    definitions: list[Definition] = []
    problems: list[str] = []
    for path in files:
        try:
            definitions += _read(path, problems)
        except ParserError as error:
            problems.append(f"{_shown(path)}: {error}")
    return definitions, problems


def _read(path: Path, problems: list[str]) -> Iterator[Definition]:
    filename = _shown(path)
    feature = parse_feature(path.read_text(encoding="utf-8"), filename=filename)
    if feature is None:
        return
    if feature.background:
        problems.append(
            f"{filename}:{feature.background.line}: a phrase file has no Background: put the steps into each phrase"
        )
    for scenario in feature.walk_scenarios(with_outlines=True):
        where = f"{filename}:{scenario.line}"
        if isinstance(scenario, ScenarioOutline):
            problems.append(f"{where}: a phrase is a Scenario, not a Scenario Outline: {scenario.name!r}")
            continue
        parameters = _parameters(scenario.name, where, problems)
        if parameters is None:
            continue
        if not scenario.steps:
            problems.append(f'{where}: the phrase "{scenario.name}" has no steps')
            continue
        problems += _placeholder_problems(scenario.name, parameters, scenario.steps, where)
        yield Definition(
            phrase=scenario.name,
            parameters=parameters,
            steps=tuple(scenario.steps),
            filename=filename,
            line=scenario.line,
            description="\n".join(scenario.description or []),
            feature=feature.name,
        )


def _parameters(title: str, where: str, problems: list[str]) -> tuple[str, ...] | None:
    try:
        parser = parse.compile(title, extra_types=ParseMatcher.TYPE_REGISTRY, case_sensitive=True)
    except (ValueError, NotImplementedError) as error:
        problems.append(f'{where}: the phrase "{title}" is not a valid pattern: {error}')
        return None
    if parser.fixed_fields:
        problems.append(f'{where}: the phrase "{title}" has an unnamed parameter {{}}: name it, as in {{person}}')
        return None
    return tuple(parser.named_fields)


def _placeholder_problems(title: str, parameters: tuple[str, ...], steps: Iterable[Step], where: str) -> list[str]:
    problems = []
    used: set[str] = set()
    steps = list(steps)
    # Names the phrase saves itself (I save ... as "token") are scenario variables, as are the built-in ones.
    quoted = {text for step in steps for text in re.findall(r'"([A-Za-z_]\w*)"', step.name)}
    for step in steps:
        for name in _placeholders(step):
            if name in parameters:
                used.add(name)
                continue
            if name in quoted or name in BUILT_IN_VARIABLES:
                continue
            # Any other {name} is a scenario variable ({token}, {unique_email}): fine, unless it
            # reads like a misspelt parameter, which would otherwise fail only when the phrase runs.
            close = [p for p in parameters if sorted(p.lower()) == sorted(name.lower())] or (
                difflib.get_close_matches(name, parameters, n=1, cutoff=0.8)
            )
            if close:
                problems.append(
                    f'{step.filename}:{step.line}: "{step.keyword} {step.name}" uses {{{name}}}, which is no '
                    f'parameter of the phrase "{title}": did you mean {{{close[0]}}}?'
                )
    for name in parameters:
        if name not in used:
            problems.append(f'{where}: the phrase "{title}" has a parameter {{{name}}} that none of its steps uses')
    return problems


def _placeholders(step: Step) -> Iterator[str]:
    texts = [step.name, step.text or ""]
    if step.table is not None:
        texts += list(step.table.headings) + [cell for row in step.table.rows for cell in row.cells]
    for text in texts:
        yield from PLACEHOLDER.findall(text)


def _substitute(text: str, arguments: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: arguments.get(m.group(1), m.group(0)), text)


def _expanded(step: Step, arguments: dict[str, str]) -> Step:
    text = None
    if step.text is not None:
        text = Text(_substitute(str(step.text), arguments), step.text.content_type, step.text.line)
    table = None
    if step.table is not None:
        table = Table([_substitute(h, arguments) for h in step.table.headings], line=step.table.line)
        for row in step.table.rows:
            table.add_row([_substitute(cell, arguments) for cell in row.cells], line=row.line)
    return Step(step.filename, step.line, step.keyword, step.step_type, _substitute(step.name, arguments), text, table)


def _shown(path: Path) -> str:
    """The path as behave shows feature files: relative to the working folder where it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
