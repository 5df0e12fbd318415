"""Fixtures of the Docker environment tests: a real engine, the offline base image, timings.

Without an engine the tests are skipped with the reason, except with CI=true, where that
is a failure. Measured durations (image builds, stack starts) are printed at the end of
the pytest run; they are never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handoff.config.settings import load_settings
from tests.suite.behave_run import ROOT

TIMINGS: list[str] = []


def record_timing(what: str, seconds: float) -> None:
    TIMINGS.append(f"{what}: {seconds:.1f} s")


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("Docker environment timings (measured, not asserted)")
        for line in TIMINGS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def docker_client():
    """The Docker engine; skipped on a machine without one, a failure with CI=true."""
    from handoff.containers.engine import EngineUnavailable, connect

    try:
        client = connect(timeout=120)
    except EngineUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client) -> str:
    """handoff/base:bookworm, made offline by docker/prepare.py (debootstrap on a cold cache)."""
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "docker" / "prepare.py"), "base"], cwd=ROOT, check=True, timeout=900)
    record_timing("base image (debootstrap + docker import; a few seconds when cached)", time.monotonic() - started)
    return "handoff/base:bookworm"


def tiny_settings(tmp_path: Path, services: str, **run: object):
    """Settings of a throw-away environment with the given [services...] TOML."""
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    run_table = {"start_services": True, "start_timeout": 20.0, "reports_dir": str(tmp_path / "reports"), **run}
    lines = ["[run]"] + [f"{key} = {_toml(value)}" for key, value in run_table.items()]
    (config_dir / "tiny.toml").write_text("\n".join(lines) + "\n\n" + services)
    return load_settings({"env": "tiny"}, environ={}, config_dir=config_dir)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def resources_of_run(client, run_id: str) -> list[str]:
    from handoff.containers.engine import LABEL_RUN, labelled_resources

    return list(labelled_resources(client, f"{LABEL_RUN}={run_id}"))
