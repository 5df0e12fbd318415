"""Fixtures of the tracing tests: the run's receiver, behave runs of the traced shop, Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff.tracing.collector import SpanStore
from handoff.tracing.receiver import OtlpReceiver
from tests.report.conftest import browse, chromium  # noqa: F401 - a fixture, shared
from tests.suite.behave_run import BehaveResult, run_behave

HERE = Path(__file__).resolve().parent


@pytest.fixture
def receiver():
    store = SpanStore()
    running = OtlpReceiver(store.add).start()
    running.store = store
    yield running
    running.close()


@pytest.fixture(scope="session")
def shop_trace_run(tmp_path_factory) -> BehaveResult:
    """tests/tracing/features/shop_traces.feature against the embedded shop, with Allure results."""
    return run_behave(tmp_path_factory.mktemp("shop-traces"), str(HERE / "features" / "shop_traces.feature"))


def attachments_of(results_dir: Path, scenario: str) -> dict[str, tuple[str, str]]:
    """name -> (type, text) of every attachment of a scenario's Allure result."""
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text())
        if result["name"] == scenario:
            found = {}
            for attachment in result.get("attachments", []):
                found[attachment["name"]] = (attachment["type"], (results_dir / attachment["source"]).read_text())
            return found
    raise AssertionError(f"no Allure result for {scenario!r}")


def trace_page(results_dir: Path, scenario: str) -> tuple[str, Path]:
    """The scenario's trace attachment: its HTML and its file."""
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text())
        if result["name"] == scenario:
            traces = [a for a in result.get("attachments", []) if a["name"].startswith("Trace:")]
            assert len(traces) == 1, [a["name"] for a in result.get("attachments", [])]
            assert traces[0]["type"] == "text/html"
            file = results_dir / traces[0]["source"]
            return file.read_text(), file
    raise AssertionError(f"no Allure result for {scenario!r}")
