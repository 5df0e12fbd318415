"""Runs behave in a child process, as a user would, and reads what it reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BEHAVE_INI = """[behave]
format = allure_behave.formatter:AllureFormatter
outfiles = allure-results
"""


@dataclass
class BehaveResult:
    exit_code: int
    output: str
    scenarios: list[dict]
    workdir: Path

    def scenario(self, name: str) -> dict:
        matches = [s for s in self.scenarios if s["name"] == name]
        assert matches, f"no scenario {name!r} in {[s['name'] for s in self.scenarios]}\n{self.output}"
        return matches[0]

    def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for scenario in self.scenarios:
            counts[scenario["status"]] = counts.get(scenario["status"], 0) + 1
        return counts

    @property
    def allure_results(self) -> Path:
        return self.workdir / "allure-results"

    def failure_message(self, name: str) -> str:
        """What the report says went wrong in a scenario (from its Allure result)."""
        for path in self.allure_results.glob("*-result.json"):
            result = json.loads(path.read_text())
            if result["name"] == name:
                return result.get("statusDetails", {}).get("message", "")
        raise AssertionError(f"no Allure result for scenario {name!r}")


def run_behave(workdir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600) -> BehaveResult:
    """Run behave from ``workdir`` (its own behave.ini and reports), features given by path."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "behave.ini").write_text(BEHAVE_INI)
    report = workdir / "behave.json"
    # Formatters pair with outfiles in order: allure (behave.ini) and json get files, plain the console.
    command = [sys.executable, "-m", "behave", "-f", "json", "-o", str(report), "-f", "plain", *args]
    completed = subprocess.run(
        command,
        cwd=workdir,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = completed.stdout + completed.stderr
    scenarios = []
    if report.exists() and report.stat().st_size:
        for feature in json.loads(report.read_text()):
            scenarios += [e for e in feature.get("elements", []) if e["type"] == "scenario"]
    return BehaveResult(completed.returncode, output, scenarios, workdir)
