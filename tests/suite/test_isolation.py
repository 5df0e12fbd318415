"""The whole suite in a shuffled order passes, and leaves nothing of its run behind.

One behave run (``tools/shuffled_run.py``, a new seed each time, printed on failure), on
PostgreSQL when a server answers at HANDOFF_PG_URL, else on SQLite. Afterwards nothing
of that run may remain: no process started for it, no port it listened on, no
``handoff-<run id>-*`` temporary folder, no ``handoff_<run id>_*`` database. Everything
is found by the run's id, so other runs on the same machine do not disturb the check.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from tests.needs import missing
from tests.suite.behave_run import BEHAVE_INI, ROOT
from tests.suite.conftest import DEFAULT_PG_URL, throwaway_databases


def _postgres_url() -> str | None:
    url = os.environ.get("HANDOFF_PG_URL", DEFAULT_PG_URL)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return url
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _processes_of(run_id: str) -> list[str]:
    """Processes whose environment or command line names the run (its folder or its databases)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            seen = (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if f"handoff-{run_id}-".encode() in seen or f"handoff_{run_id}_".encode() in seen:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {command[:120]}")
    return found


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def shuffled_run(tmp_path_factory, request):
    workdir = tmp_path_factory.mktemp("shuffled")
    (workdir / "behave.ini").write_text(BEHAVE_INI)
    postgres = _postgres_url()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["-D", "env=local"]
    if postgres:
        env["HANDOFF_PG_URL"] = postgres
        env["HANDOFF_AMQP_PORT"] = str(request.getfixturevalue("rabbitmq").port)  # the postgres env's broker
        args = ["-D", "env=postgres"]
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "shuffled_run.py"), "-f", "progress", *args, str(ROOT / "features")],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    run_id = re.search(r"handoff: environment '\w+', run (\w+)", output)
    assert run_id, output[-3000:]
    properties = (workdir / "allure-results" / "environment.properties").read_text()
    ports = [int(port) for port in re.findall(r"^service\.\w+=http://127\.0\.0\.1:(\d+)", properties, re.M)]
    return completed.returncode, output, run_id[1], ports, postgres


def test_the_suite_passes_in_a_shuffled_order(shuffled_run):
    code, output, *_ = shuffled_run
    seed = re.search(r"shuffled order: seed (\d+)", output)
    assert code == 0, f"failed in the order of seed {seed[1] if seed else '?'}:\n{output[-5000:]}"
    assert re.search(r"\b([3-9]\d|\d{3,}) scenarios passed, 0 failed", output), output[-2000:]


def test_no_process_of_the_run_is_left(shuffled_run):
    assert _processes_of(shuffled_run[2]) == []


def test_no_port_of_the_run_is_still_listening(shuffled_run):
    ports = shuffled_run[3]
    assert len(ports) >= 6, ports  # the shop's services, from the report's environment panel
    assert [port for port in ports if _listening(port)] == []


def test_no_temporary_folder_of_the_run_is_left(shuffled_run):
    assert list(Path(tempfile.gettempdir()).glob(f"handoff-{shuffled_run[2]}-*")) == []


def test_no_throwaway_database_of_the_run_is_left(shuffled_run):
    postgres = shuffled_run[4]
    if postgres is None:
        missing("the run used SQLite: no PostgreSQL server answers at HANDOFF_PG_URL")
    assert throwaway_databases(postgres, shuffled_run[2]) == []
