"""Nothing secret reaches reports/: results, rendered HTML (multi-file and single-file),
JUnit output and the services' logs, after a run with known secret values."""

from __future__ import annotations

import base64
import re

from tests.report.conftest import CARD_NUMBERS, KNOWN_SECRETS, render

BASE64_CHUNK = re.compile(rb'"([A-Za-z0-9+/]{24,}={0,2})"')


def readable(path) -> str:
    """A file's text, with base64 chunks (the single-file report embeds its data so) decoded."""
    raw = path.read_bytes()
    parts = [raw.decode("utf-8", errors="replace")]
    if path.suffix == ".html":
        for chunk in BASE64_CHUNK.findall(raw):
            try:
                parts.append(base64.b64decode(chunk).decode("utf-8"))
            except ValueError:
                continue
    return "\n".join(parts)


def leaks(folder) -> list[str]:
    found = []
    for path in (p for p in folder.rglob("*") if p.is_file()):
        text = readable(path)
        found += [f"{path}: {secret}" for secret in (*KNOWN_SECRETS.values(), *CARD_NUMBERS) if secret in text]
        found += [
            f"{path}: {m}" for m in re.findall(r"(?<![\w-])pw-[A-Za-z0-9_-]{16}(?![\w-])", text)
        ]  # the test data's passwords
        found += [f"{path}: {m}" for m in re.findall(r"Bearer [A-Za-z0-9_-]{20,}", text)]  # session tokens
    return found


def test_no_secret_in_results_reports_junit_or_service_logs(suite_run, tmp_path):
    assert suite_run.exit_code == 0, suite_run.output[-3000:]
    results = suite_run.allure_results
    report = render(results, tmp_path / "report", tmp_path / "history.jsonl")
    single = render(results, tmp_path / "single", tmp_path / "history.jsonl", single_file=True)
    junit = suite_run.workdir / "junit"
    service_logs = suite_run.workdir / "reports" / "service-logs"
    for folder in (results, report, single, junit, service_logs):
        assert any(folder.rglob("*")), f"{folder} is empty: the scan would prove nothing"
    assert "************4242" in readable(next(single.glob("index.html")))  # masked, yet there: the decoding works
    assert [leak for folder in (results, report, single, junit, service_logs) for leak in leaks(folder)] == []
