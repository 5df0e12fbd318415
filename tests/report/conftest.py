"""Fixtures of the report tests: behave runs, the renderer, headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.needs import missing
from tests.suite.behave_run import ROOT, BehaveResult, run_behave

FEATURES = Path(__file__).parent / "features"
KNOWN_SECRETS = {
    "SHOP_SERVICE_TOKEN": "service-token-5f4dcc3b5aa765d6",
    "GATEWAY_API_KEY": "gateway-key-098f6bcd4621d373",
}
CARD_NUMBERS = ("4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119")


def render(results: Path, output: Path, history: Path, *, single_file: bool = False) -> Path:
    """Render Allure results with the project's configuration, as `make report` (`handoff report`) does."""
    renderer_or_skip()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "handoff",
            "report",
            "--results",
            results,
            "--output",
            output,
            "--history",
            history,
            *(["--single-file"] if single_file else []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return output


def renderer_or_skip() -> None:
    """The report renderer, installed once; skipped without Node and npm, except with CI=true."""
    from handoff.report.rendering import RendererUnavailable, ensure_renderer

    try:
        ensure_renderer()
    except RendererUnavailable as error:
        missing(str(error))


@pytest.fixture(scope="session")
def suite_run(tmp_path_factory) -> BehaveResult:
    """The whole sample suite, with known secrets, Allure results and JUnit output."""
    workdir = tmp_path_factory.mktemp("suite")
    return run_behave(
        workdir,
        str(ROOT / "features"),
        "--junit",
        "--junit-directory",
        str(workdir / "junit"),
        env=KNOWN_SECRETS,
    )


@pytest.fixture(scope="session")
def classified_run(tmp_path_factory) -> BehaveResult:
    """Scenarios that each fail in one known way (tests/report/features)."""
    workdir = tmp_path_factory.mktemp("classified")
    return run_behave(
        workdir,
        str(FEATURES / "classified_failures.feature"),
        env={"HANDOFF_FLAKY_MARKER": str(workdir / "flaky-marker")},
    )


@pytest.fixture(scope="session")
def classified_report(classified_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classified-report")
    return render(classified_run.allure_results, out / "report", out / "history.jsonl")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Headless Chromium; skipped without it, except with CI=true where that is a failure."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        reason = "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def browse(chromium: str, url: str, profile: Path, *, screenshot: Path | None = None) -> str:
    """The page's DOM after its scripts ran (and a screenshot, if asked)."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        "--window-size=1400,1400",
    ]
    command += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, timeout=90)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 from a thread (a multi-file report needs HTTP)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
