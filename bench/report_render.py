"""How long rendering the Allure report takes, and how big it is, for 1,000 scenarios.

Runs the sample suite once for real (timelines, HTTP, SQL and email attachments
included), copies its results until there are --scenarios of them (each a distinct test
with its own attachments), then renders them as `make report` does, multi-file and
single-file, and prints the figures next to the suite's own run time for as many
scenarios. Not a test: nothing is asserted.

    .venv/bin/python bench/report_render.py [--scenarios 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handoff.report.rendering import RendererUnavailable, ensure_renderer  # noqa: E402
from tests.suite.behave_run import run_behave  # noqa: E402


def multiply(source: Path, target: Path, count: int) -> int:
    """Copy the results in ``source`` until ``target`` holds ``count`` distinct scenarios."""
    target.mkdir(parents=True)
    for extra in ("environment.properties", "executor.json", "categories.json"):
        if (source / extra).exists():
            shutil.copy(source / extra, target / extra)
    originals = [json.loads(p.read_text()) for p in sorted(source.glob("*-result.json"))]
    written = 0
    while written < count:
        for original in originals:
            if written == count:
                break
            copy = json.loads(json.dumps(original))
            copy["uuid"] = str(uuid.uuid4())
            copy["name"] = f"{original['name']} #{written}"
            copy["fullName"] = f"{original.get('fullName', original['name'])} #{written}"
            for key in ("historyId", "testCaseId"):
                copy[key] = hashlib.md5(f"{original.get(key)}-{written}".encode()).hexdigest()
            for attachment in _attachments(copy):
                new_source = f"{uuid.uuid4()}-attachment{Path(attachment['source']).suffix}"
                shutil.copy(source / attachment["source"], target / new_source)
                attachment["source"] = new_source
            (target / f"{copy['uuid']}-result.json").write_text(json.dumps(copy))
            written += 1
    return written


def render(results: Path, output: Path, history: Path, single_file: bool) -> float:
    renderer = ensure_renderer()
    env = {**os.environ, "ALLURE_HISTORY_PATH": str(history), "ALLURE_SINGLE_FILE": "1" if single_file else ""}
    started = time.perf_counter()
    subprocess.run(
        [renderer.command, "generate", results, "--config", renderer.config, "-o", output],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=1000)
    args = parser.parse_args()
    try:
        ensure_renderer()
    except RendererUnavailable as error:
        sys.exit(f"the report renderer cannot run: {error}")
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        suite = run_behave(work / "suite", str(ROOT / "features"))
        suite_seconds = time.perf_counter() - started
        ran = [s for s in suite.scenarios if s["status"] != "skipped"]
        if suite.exit_code != 0 or not ran:
            sys.exit(f"the sample suite did not pass (exit {suite.exit_code}):\n{suite.output[-3000:]}")
        per_scenario = suite_seconds / len(ran)
        results = work / "results"
        count = multiply(suite.allure_results, results, args.scenarios)
        results_mb = _size(results) / 1e6
        print(f"sample suite: {len(ran)} scenarios in {suite_seconds:.1f} s (with start-up and shutdown)")
        print(f"  -> about {per_scenario * count:.0f} s for {count} scenarios at that pace")
        print(f"results: {count} scenarios, {sum(1 for _ in results.iterdir())} files, {results_mb:.1f} MB")
        for single_file in (False, True):
            output = work / ("single" if single_file else "report")
            seconds = render(results, output, work / "history.jsonl", single_file)
            kind = "single-file" if single_file else "multi-file "
            files = sum(1 for p in output.rglob("*") if p.is_file())
            print(
                f"render {kind}: {seconds:5.1f} s, {_size(output) / 1e6:6.1f} MB in {files} file(s) "
                f"({seconds / (per_scenario * count):.0%} of the suite's time for as many scenarios)"
            )


def _attachments(node: dict):
    yield from node.get("attachments") or []
    for step in node.get("steps") or []:
        yield from _attachments(step)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    main()
