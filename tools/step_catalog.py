"""Writes docs/steps.md, the catalog of every step phrase, from the registered steps.

Run with ``make steps``; tests/unit/test_step_catalog.py fails when the catalog is out
of date. Each entry comes from the step function: the phrase (its pattern), the
parameters in it, and the ``Example:`` line of its docstring.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "docs" / "steps.md"
PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")
TYPE_NOTES = {
    "Count": "a whole number",
    "Number": "a number",
    "Method": "GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
    "Name": "a name from config/<env>.toml",
    "HeaderCheck": "is, contains or matches",
    "Money": "an amount such as 45.00 EUR",
    "Person": "a capitalised name such as Alice",
    "Pronoun": "her, his or their",
    "Card": "a test card phrase (see support/shop/api.py)",
    None: "text",
}


def load_steps() -> None:
    sys.path.insert(0, str(ROOT))
    from behave.runner_util import load_step_modules

    import environment  # noqa: F401 - registers the parameter types

    load_step_modules([str(ROOT / "steps")])


def registered_steps():
    from behave.step_registry import registry

    seen = set()
    for keyword, definitions in registry.steps.items():
        for definition in definitions:
            if (keyword, definition.pattern) not in seen:
                seen.add((keyword, definition.pattern))
                yield keyword, definition


def usages() -> dict[str, str]:
    """Step pattern -> the first step in the features (or the framework's tests) that uses it."""
    from behave.parser import parse_file
    from behave.step_registry import registry

    found: dict[str, str] = {}
    for path in sorted([*(ROOT / "features").rglob("*.feature"), *(ROOT / "tests").rglob("*.feature")]):
        feature = parse_file(str(path))
        steps = list(feature.background.steps) if feature.background else []
        for scenario in feature.walk_scenarios():
            steps += scenario.steps
        for step in steps:
            candidates = registry.steps.get(step.step_type, []) + registry.steps.get("step", [])
            definition = next((d for d in candidates if d.match(step.name)), None)
            if definition is not None and "<" not in step.name:
                found.setdefault(definition.pattern, f"{step.keyword} {step.name}")
    return found


def render() -> str:
    load_steps()
    examples = usages()
    by_module: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    waits = {d.func.waits_for for _, d in registered_steps() if hasattr(d.func, "waits_for")}
    for keyword, definition in registered_steps():
        if hasattr(definition.func, "waits_for"):
            continue
        module = Path(definition.func.__code__.co_filename).name
        by_module[module].append((keyword, definition.pattern, (definition.func.__doc__ or "").strip()))
    lines = [
        "# Step catalog",
        "",
        "Every phrase the step library understands, generated from `steps/` by `make steps`",
        "(do not edit by hand). `{name}` marks a parameter; in quoted parameters, tables and",
        "doc strings `{variables}` are filled in. A phrase marked *(waits)* may end in",
        '"within N seconds" (before a closing "with": `... has a row in "orders" within 5',
        "seconds with`) to poll until it holds.",
        "",
    ]
    for module in sorted(by_module):
        lines += [f"## {module}", "", _module_summary(module), ""]
        for keyword, pattern, doc in sorted(by_module[module], key=lambda entry: entry[1]):
            wait_note = " *(waits)*" if pattern in waits else ""
            lines.append(f"- **{keyword.capitalize()}** `{pattern}`{wait_note}")
            parameters = PARAMETER.findall(pattern)
            if parameters:
                described = ", ".join(f"`{name}`: {TYPE_NOTES.get(kind or None, kind)}" for name, kind in parameters)
                lines.append(f"  - parameters: {described}")
            summary, documented = _describe(doc)
            example = examples.get(pattern) or documented
            if summary:
                lines.append(f"  - {summary}")
            if example:
                lines.append(f"  - example: `{example}`")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _module_summary(module: str) -> str:
    source = (ROOT / "steps" / module).read_text(encoding="utf-8")
    match = re.search(r'"""(.+?)(?:\n\n|""")', source, re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


def _describe(doc: str) -> tuple[str, str]:
    summary, example = [], ""
    for line in doc.splitlines():
        line = line.strip()
        if "Example:" in line:
            before, after = line.split("Example:", 1)
            example = after.strip()
            if before.strip():
                summary.append(before.strip())
        elif line:
            summary.append(line)
    return " ".join(summary), example


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/steps.md is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not CATALOG.exists() or CATALOG.read_text(encoding="utf-8") != text:
            print("docs/steps.md is out of date: run `make steps`", file=sys.stderr)
            return 1
        return 0
    CATALOG.parent.mkdir(exist_ok=True)
    CATALOG.write_text(text, encoding="utf-8")
    print(f"wrote {CATALOG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
