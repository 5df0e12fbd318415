"""The run's API coverage as a page of the report: per service, each operation and status, seen or not.

``handoff report`` finds ``api-coverage.json`` in the Allure results (the run writes it
there, handoff/contracts/coverage.py), renders it into one self-contained HTML file
beside it, and has Allure 3 show that file as a global attachment of the report.
"""

from __future__ import annotations

import html
from pathlib import Path

from handoff.contracts import coverage

PAGE_NAME = "handoff-api-coverage.html"

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; margin-top: 8px; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
th { background: #f6f8fa; } code { font: 13px ui-monospace, monospace; }
.seen { background: #dafbe1; } .unseen { background: #ffebe9; color: #82071e; }
.summary { color: #59636e; } .violations { color: #82071e; font-weight: 600; }
"""


def write_page(results_dir: Path) -> Path | None:
    """The coverage page beside the results; None when the run described no API."""
    source = results_dir / coverage.FILE_NAME
    if not source.is_file():
        return None
    page = results_dir / PAGE_NAME
    page.write_text(render(coverage.read(source)), encoding="utf-8")
    return page


def render(services: dict[str, coverage.ServiceCoverage]) -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>API coverage</title><style>{STYLE}</style>",
             "</head><body><h1>API coverage</h1>"]  # fmt: skip
    for name, item in sorted(services.items()):
        summary = html.escape(item.summary(name))
        marked = " violations" if item.violations else ""
        parts.append(f"<h2>{html.escape(name)}</h2><p class='summary{marked}'>{summary}</p>")
        parts.append("<table><tr><th>operation</th><th>declared status</th><th>times seen</th></tr>")
        for operation, statuses in item.operations.items():
            for index, (status, seen) in enumerate(statuses.items()):
                label = f"<code>{html.escape(operation)}</code>" if index == 0 else ""
                css = "seen" if seen else "unseen"
                cells = f"<td class='{css}'>{html.escape(status)}</td><td class='{css}'>{seen}</td>"
                parts.append(f"<tr><td>{label}</td>{cells}</tr>")
        parts.append("</table>")
        if item.undeclared:
            parts.append(
                "<p>Answers the description does not declare:</p><table><tr><th>exchange</th><th>times</th></tr>"
            )
            for label, seen in sorted(item.undeclared.items()):
                parts.append(f"<tr><td><code>{html.escape(label)}</code></td><td class='unseen'>{seen}</td></tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
