"""The rendered report opens in a real browser: counts, a failure's category and attachments."""

from __future__ import annotations

import json
import re

from tests.report.conftest import browse, render, served


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_the_report_shows_the_counts_and_a_failures_attachments(classified_report, chromium, tmp_path):
    failing = next(
        json.loads(p.read_text())
        for p in (classified_report / "data" / "test-results").glob("*.json")
        if json.loads(p.read_text())["name"] == "The product answers wrongly"
    )
    with served(classified_report) as url:
        overview = visible_text(browse(chromium, url, tmp_path / "profile"))
        scenario = visible_text(browse(chromium, f"{url}#{failing['id']}", tmp_path / "profile"))
        browse(chromium, f"{url}#{failing['id']}", tmp_path / "profile", screenshot=tmp_path / "failure.png")
    assert re.search(r"Total 8 .*Failed 1 .*Broken 6 .*Passed 1", overview), overview[:1500]
    assert "Classified failures" in overview
    assert "The product answers wrongly" in scenario
    assert "Product defects" in scenario
    assert "Timeline: 2 HTTP request(s) across services" in scenario
    assert "Log of catalog while the scenario ran" in scenario
    assert (tmp_path / "failure.png").stat().st_size > 10_000


def test_the_single_file_report_opens_without_a_server(classified_run, chromium, tmp_path):
    report = render(classified_run.allure_results, tmp_path / "single", tmp_path / "history.jsonl", single_file=True)
    assert [p.name for p in report.glob("*.html")] == ["index.html"] and not (report / "data").exists()
    overview = visible_text(browse(chromium, (report / "index.html").as_uri(), tmp_path / "profile"))
    assert "Total 8" in overview and "Classified failures" in overview
