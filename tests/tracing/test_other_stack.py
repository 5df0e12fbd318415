"""A service of another stack (plain WSGI + sqlite3, instrumented from PyPI), started by the run:
its spans are in each scenario's trace and picture."""

from __future__ import annotations

import re

import pytest

from tests.suite.behave_run import run_behave
from tests.tracing.conftest import HERE, trace_page


@pytest.fixture(scope="module")
def notes_run(tmp_path_factory):
    return run_behave(
        tmp_path_factory.mktemp("notes"),
        str(HERE / "features" / "notes.feature"),
        "-D",
        "env=notes",
        env={"HANDOFF_CONFIG_DIR": str(HERE / "config")},
    )


def test_the_notes_service_spans_are_checked_and_drawn(notes_run):
    statuses = {s["name"]: s["status"] for s in notes_run.scenarios}
    assert statuses == {"A note is written and read back": "passed", "A broken endpoint (fails)": "failed"}, (
        notes_run.output[-4000:]
    )
    page, _ = trace_page(notes_run.allure_results, "A note is written and read back")
    assert re.search(r'<span class="svc" [^>]*>notes</span><span class="op" [^>]*>POST /notes</span>', page)
    assert "INSERT INTO notes (text) VALUES (?)" in page and "SELECT id, text FROM notes WHERE id = ?" in page


def test_its_error_is_where_the_picture_says_the_error_started(notes_run):
    page, _ = trace_page(notes_run.allure_results, "A broken endpoint (fails)")
    where = page.split('<section class="where">', 1)[1].split("</section>", 1)[0]
    assert re.search(r">notes</span> <b>GET /boom</b>: RuntimeError: the notes service has a bug", where), where
