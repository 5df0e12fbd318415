"""Ctrl-C during a run: the results so far are kept and every service the run started stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.suite.behave_run import BEHAVE_INI, ROOT


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_ctrl_c_keeps_results_and_stops_the_services(tmp_path):
    (tmp_path / "behave.ini").write_text(BEHAVE_INI)
    feature = ROOT / "tests" / "failing_features" / "hanging_step.feature"
    process = subprocess.Popen(
        [sys.executable, "-m", "behave", "-f", "plain", str(ROOT / "features" / "account"), str(feature)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    results = tmp_path / "allure-results"
    while time.monotonic() < deadline and len(list(results.glob("*-result.json"))) < 7:
        time.sleep(0.05)  # the account features are done; the hanging request is under way
    services = _children(process.pid)
    assert len(services) >= 6, "the shop's services should be running"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)

    assert process.returncode != 0, output
    finished = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    assert len([r for r in finished if r["status"] == "passed"]) >= 7, output
    time.sleep(0.5)
    assert [pid for pid in services if _alive(pid)] == [], output
