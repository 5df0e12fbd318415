"""``handoff init``: a new test project that works at once (as ``django-admin startproject`` does).

It writes ``features/`` with an example feature in the generic vocabulary, ``steps/``
loading the generic step library, ``support/``, ``environment.py`` (one line installs
Handoff's hooks), ``config/local.toml``, ``behave.ini``, ``requirements.txt`` (Handoff
and its dependencies at the exact versions installed now), ``reports/``, ``.gitignore``
and a README. A file that exists is kept, never overwritten, unless ``force`` is given.
The templates are package data in ``handoff/scaffold/template/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import handoff

TEMPLATES = Path(__file__).resolve().parent.parent / "scaffold" / "template"
DISTRIBUTION = "handoff-bdd"

# Where each file of the new project comes from (None: written by code).
PROJECT_FILES: dict[str, str | None] = {
    "features/example.feature": "example.feature.tmpl",
    "phrases/example.feature": "phrases.feature.tmpl",
    "steps/handoff_steps.py": "handoff_steps.py.tmpl",
    "support/__init__.py": "support_init.py.tmpl",
    "environment.py": "environment.py.tmpl",
    "config/local.toml": "local.toml.tmpl",
    "behave.ini": "behave.ini.tmpl",
    "requirements.txt": None,
    "reports/.gitkeep": "reports_gitkeep.tmpl",
    ".gitignore": "gitignore.tmpl",
    "README.md": "README.md.tmpl",
}


@dataclass
class Written:
    """What ``handoff init`` did with each file, as paths relative to the project."""

    created: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def write_project(directory: Path, *, force: bool = False) -> Written:
    """Write the project's files into ``directory`` (made if missing)."""
    written = Written()
    for relative, template in PROJECT_FILES.items():
        target = directory / relative
        existed = target.exists()
        if existed and not force:
            written.kept.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_content(relative, template), encoding="utf-8")
        (written.overwritten if existed else written.created).append(relative)
    return written


def requirements() -> str:
    """Handoff and its (non-optional) dependencies, pinned at the versions installed here."""
    lines = [
        "# Handoff and its dependencies at the exact versions this project was created with.",
        "# Upgrading: change these versions (see the new release's notes), then",
        "# .venv/bin/pip install -r requirements.txt",
        f"{DISTRIBUTION}=={handoff_version()}",
    ]
    for name in dependency_names():
        try:
            lines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue  # not installed here (Handoff runs from a checkout): pip resolves it from handoff-bdd
    return "\n".join(lines) + "\n"


def handoff_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return handoff.__version__


def dependency_names() -> list[str]:
    """The names in handoff-bdd's ``Requires-Dist`` without an extra marker."""
    try:
        required = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in required:
        if "extra" in requirement.partition(";")[2]:  # an optional extra's dependency
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match:
            names.append(match.group(0))
    return names


def next_steps(directory: Path) -> str:
    commands = [
        ("behave --dry-run", "every step understood"),
        ("API_URL=http://127.0.0.1:8080 behave", "the example against your service (config/local.toml)"),
        ("handoff report", "the HTML report (needs Node 20+ and npm)"),
        ("handoff run", "both: clear the results, behave, the report"),
    ]
    if directory.resolve() != Path.cwd().resolve():
        commands.insert(0, (f"cd {directory}", "the new project"))
    width = max(len(command) for command, _ in commands) + 2
    lines = [f"  {command.ljust(width)}# {why}" for command, why in commands]
    return "\n".join(["Next:", *lines, "README.md says what each file is for."])


def _content(relative: str, template: str | None) -> str:
    if template is None:
        return requirements()
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return text.replace("{{handoff_version}}", handoff_version())
