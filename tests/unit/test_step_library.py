"""The step library as a whole: its catalog is current, and every feature's steps exist."""

import subprocess
import sys
from pathlib import Path

from tests.suite.behave_run import ROOT

HANDOFF = str(Path(sys.executable).with_name("handoff"))  # the command, as a user types it
CATALOG = [HANDOFF, "steps", "--features", "features", "--features", "tests"]  # what make steps runs


def test_the_step_catalog_is_up_to_date():
    completed = subprocess.run(
        [*CATALOG, "--check", "docs/steps.md", "--editor-glue", ".handoff/editor_phrases.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr + "\nRun `make steps` and commit what it wrote."


def test_the_editor_glue_stands_in_for_each_phrase_and_is_never_loaded_by_behave():
    glue = (ROOT / ".handoff" / "editor_phrases.py").read_text()
    assert "@step('I am signed in as \"{email}\"')" in glue
    assert '"""Defined in phrases/api.feature:' in glue
    assert not (ROOT / "steps" / "editor_phrases.py").exists()  # behave loads steps/ only


def test_every_step_of_every_feature_is_defined_once():
    """--dry-run reports undefined steps; ambiguous definitions fail when the steps load."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "behave",
            "--dry-run",
            "--no-summary",
            "-f",
            "plain",
            "--format",
            "steps.usage",
            "features",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    assert "UNDEFINED STEPS" not in output and "AmbiguousStep" not in output, output[-3000:]


def test_every_phrase_is_exercised_by_a_feature_that_the_tests_run():
    """Each step definition is used in features/ (the sample suite) or tests/ (behave-level tests),
    or by a phrase defined in Gherkin (phrases/, tests/**/phrases/) that those use."""
    completed = subprocess.run(
        [sys.executable, "-c", UNUSED_PHRASES], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "", f"phrases no feature uses:\n{completed.stdout}"


UNUSED_PHRASES = """
from pathlib import Path
from handoff.cli import catalog
catalog.load_steps(Path.cwd())
from behave.step_registry import registry
from handoff.phrases import inner_step_definitions, phrase_files, read_definitions
used = catalog.usages([*Path("features").rglob("*.feature"), *Path("tests").rglob("*.feature")])
phrases = read_definitions(phrase_files([Path("phrases"), *Path("tests").rglob("phrases")]))
used.update((definition.pattern, "in a phrase") for definition in inner_step_definitions(phrases, registry))
for keyword, definition in catalog.registered_steps():
    if not hasattr(definition.func, "waits_for") and definition.pattern not in used:
        print(keyword, definition.pattern)
"""
