"""A scenario's trace drawn as a waterfall, the way Jaeger draws one: one self-contained
HTML page (inline CSS, no script, no network), attached to the scenario in the report.

Rows are grouped by step; under each step its requests and, indented under each, the
spans the services made for it (their own calls and database queries further in). Each
bar sits where its span ran in the scenario's time and is as long as it took; services
have colours of their own. Errors are red, and the span where the error started (the
earliest failed span with no failed span under it) is marked. A table says who called
whom. Every row opens (``<details>``) to show its span's attributes.
"""

from __future__ import annotations

import functools
import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from handoff.tracing.propagation import TEST_SERVICE, ScenarioTrace
from handoff.tracing.spans import Span

MAX_ROWS = 1500
PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#8b5cf6", "#ec4899", "#14b8a6", "#f97316", "#6366f1", "#84cc16", "#06b6d4"]
TEST_COLOUR = "#64748b"


@dataclass
class Node:
    span: Span
    children: list[Node] = field(default_factory=list)


def build_tree(trace: ScenarioTrace, spans: list[Span]) -> tuple[Node, list[Node]]:
    """The scenario's root node and its step nodes; services' spans hang under what caused them.

    A span whose parent never arrived (a request the test polled with, a span still in a
    batch) goes under the step that was running when it started.
    """
    nodes = {span.span_id: Node(span) for span in spans}
    root = nodes.get(trace.root.span_id) or Node(trace.root)
    steps = [nodes[step.span_id] for step in trace.steps if step.span_id in nodes]
    for span in spans:
        if span.span_id == root.span.span_id:
            continue
        parent = nodes.get(span.parent_id)
        if parent is None:
            parent = _step_at(steps, span.start) or root
        parent.children.append(nodes[span.span_id])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.span.start, -n.span.end))
    return root, steps


def error_origin(spans: list[Span]) -> Span | None:
    """Where the error started: the earliest failed service span with no failed span under it."""
    failed = [s for s in spans if s.error and not s.from_test]
    if not failed:
        return None
    failed_parents = {s.parent_id for s in failed}
    leaves = [s for s in failed if s.span_id not in failed_parents] or failed
    return min(leaves, key=lambda s: s.start)


def calls_between(spans: list[Span]) -> list[tuple[str, str, int, int, float]]:
    """(caller, callee, calls, errors, total ms): a span of another service whose parent is the caller's."""
    by_id = {s.span_id: s for s in spans}
    counted: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0.0])
    for span in spans:
        parent = by_id.get(span.parent_id)
        if parent is not None and parent.service != span.service:
            entry = counted[(parent.service, span.service)]
            entry[0] += 1
            entry[1] += int(span.error)
            entry[2] += span.duration_ms
        elif span.is_database and not span.from_test:
            entry = counted[(span.service, f"{span.attribute('db.system', 'db.system.name', default='db')} database")]
            entry[0] += 1
            entry[1] += int(span.error)
            entry[2] += span.duration_ms
    return sorted(
        ((a, b, *v) for (a, b), v in counted.items()), key=lambda row: (row[0] != TEST_SERVICE, row[0], row[1])
    )


def render(trace: ScenarioTrace, spans: list[Span], failed: bool = False, failure: str = "") -> str:
    root, steps = build_tree(trace, spans)
    begin = min([root.span.start, *(s.start for s in spans)])
    end = max([root.span.end or root.span.start, *(s.end for s in spans)])
    total = max(end - begin, 1e-6)
    services = sorted({s.service for s in spans if s.service != TEST_SERVICE})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(services)}
    colours[TEST_SERVICE] = TEST_COLOUR
    origin = error_origin(spans)
    service_spans = [s for s in spans if not s.from_test]

    rows: list[str] = []

    def bar(span: Span) -> str:
        left = (span.start - begin) / total * 100
        width = max(span.duration_ms / 1000 / total * 100, 0.25)
        colour = "#dc2626" if span.error else colours.get(span.service, TEST_COLOUR)
        label = f"{span.duration_ms:.1f} ms"
        side = "left" if left + width > 82 else "right"
        return (
            f'<div class="track"><div class="bar" style="left:{left:.3f}%;width:{width:.3f}%;background:{colour}">'
            f'</div><span class="dur {side}" style="{"right" if side == "left" else "left"}:'
            f'{(100 - left + 0.4) if side == "left" else (left + width + 0.4):.3f}%">{label}</span></div>'
        )

    def span_row(node: Node, depth: int) -> None:
        if len(rows) >= MAX_ROWS:
            return
        span = node.span
        classes = ["row", "span"]
        if span.is_database:
            classes.append("db")
        if span.error:
            classes.append("error")
        if origin is not None and span.span_id == origin.span_id:
            classes.append("origin")
        colour = colours.get(span.service, TEST_COLOUR)
        marker = '<span class="flag">error started here</span>' if "origin" in classes else ""
        status = span.http_status
        status_badge = f'<span class="status s{str(status)[0]}">{status}</span>' if status is not None else ""
        label = html.escape(_label(span))
        anchor = ' id="origin" open' if "origin" in classes else ""
        rows.append(
            f'<details class="{" ".join(classes)}"{anchor}><summary>'
            f'<div class="name" style="padding-left:{8 + depth * 16}px">'
            f'<span class="svc" style="background:{colour}">{html.escape(span.service)}</span>'
            f'<span class="op" title="{label}">{label}</span>{status_badge}{marker}</div>{bar(span)}</summary>'
            f"{_details(span)}</details>"
        )
        for child in node.children:
            span_row(child, depth + 1)

    for index, step in enumerate(steps, 1):
        span = step.span
        state = "failed" if span.error else ""
        rows.append(
            f'<details class="row step {state}"><summary><div class="name"><span class="num">{index}</span>'
            f'<span class="op" title="{html.escape(span.name)}">{html.escape(span.name)}</span></div>{bar(span)}'
            f"</summary>{_details(span)}</details>"
        )
        for child in step.children:
            span_row(child, 1)
    outside = [child for child in root.children if child not in steps]
    if outside:
        rows.append('<div class="row step"><div class="name"><span class="op">(outside any step)</span></div></div>')
        for child in outside:
            span_row(child, 1)
    if len(rows) >= MAX_ROWS:
        rows.append(f'<div class="note">… only the first {MAX_ROWS} rows are drawn ({len(spans)} spans in all)</div>')

    legend = "".join(
        f'<span class="legend"><i style="background:{colours[name]}"></i>{html.escape(name)} <b>{count}</b></span>'
        for name, count in sorted(
            Counter(s.service for s in spans).items(), key=lambda kv: (kv[0] == TEST_SERVICE, kv[0])
        )
    )
    ticks = "".join(
        f'<span class="tick" style="left:{p}%">{total * 1000 * p / 100:.0f} ms</span>' for p in (0, 25, 50, 75, 100)
    )
    errors = sum(1 for s in service_spans if s.error)
    verdict = '<span class="badge bad">FAILED</span>' if failed else '<span class="badge ok">PASSED</span>'
    where = ""
    if failed or origin is not None:
        parts = []
        if failure:
            parts.append(f"<pre>{html.escape(failure)}</pre>")
        if origin is not None:
            why = html.escape(origin.error_summary() or "status ERROR")
            parts.append(
                f'<p>The error started in <span class="svc" style="background:{colours.get(origin.service)}">'
                f"{html.escape(origin.service)}</span> <b>{html.escape(_label(origin))}</b>: {why} "
                '<a href="#origin">show it in the waterfall ↓</a></p>'
            )
        where = f'<section class="where"><h2>Where it failed</h2>{"".join(parts)}</section>'
    calls = "".join(
        f'<tr class="{"err" if errs else ""}"><td>{html.escape(a)}</td><td>→</td><td>{html.escape(b)}</td>'
        f"<td>{n}</td><td>{errs}</td><td>{ms:.1f}</td></tr>"
        for a, b, n, errs, ms in calls_between(spans)
    )
    no_services = (
        ""
        if service_spans
        else '<p class="note">No service sent spans for this trace: only the test\'s own steps and requests '
        "are drawn. Services export them when they are instrumented with OpenTelemetry and told where "
        "(OTEL_EXPORTER_OTLP_ENDPOINT); see README, Traces.</p>"
    )
    return _PAGE.format(
        title=html.escape(trace.scenario),
        verdict=verdict,
        trace_id=trace.trace_id,
        correlation=html.escape(trace.correlation_id),
        total=f"{total * 1000:.1f}",
        span_count=len(spans),
        service_count=len(services),
        errors=errors,
        legend=legend,
        where=where,
        ticks=ticks,
        rows="\n".join(rows),
        calls=calls or '<tr><td colspan="6">no calls recorded</td></tr>',
        no_services=no_services,
        css=_css(),
    )


def _label(span: Span) -> str:
    if span.is_database:
        text = " ".join(span.db_statement.split())
        return text if len(text) <= 140 else text[:139] + "…"
    if span.kind == "CLIENT" and span.from_test:
        return f"{span.name} → {span.attributes.get('peer.service', '')}"
    if span.kind == "CLIENT" and span.name.upper() == span.http_method and span.http_path:
        host = span.attribute("server.address", "net.peer.name", default="")
        port = span.attribute("server.port", "net.peer.port", default="")
        return f"{span.name} {span.http_path}" + (f" → {host}:{port}" if host else "")
    return span.name


def _details(span: Span) -> str:
    rows = [
        ("span", f"{span.span_id} ({span.kind.lower()}) parent {span.parent_id or '-'}"),
        ("duration", f"{span.duration_ms:.2f} ms"),
    ]
    if span.error:
        rows.append(("error", span.error_summary() or "status ERROR"))
    rows += [(key, str(value)) for key, value in sorted(span.attributes.items())]
    for name, attributes in span.events:
        rows.append((f"event {name}", "; ".join(f"{k}={v}" for k, v in attributes.items())[:2000]))
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="attrs">{cells}</table>'


@functools.cache
def _css() -> str:
    return (Path(__file__).parent / "waterfall.css").read_text(encoding="utf-8")


def _step_at(steps: list[Node], moment: float) -> Node | None:
    found = None
    for step in steps:
        if step.span.start <= moment:
            found = step
    return found


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Trace: {title}</title>
<style>
{css}</style></head>
<body>
<header><h1>{verdict}{title}</h1>
<div class="meta">trace <b>{trace_id}</b> · <b>{total} ms</b> · <b>{span_count}</b> spans ·
<b>{service_count}</b> service(s) · <b>{errors}</b> failed service span(s) · correlation id {correlation}</div>
</header>
<main>
<div>{legend}</div>
{where}
<section><h2>Waterfall, by step (click a row for its attributes)</h2>
{no_services}
<div class="axis"><div class="name">step / service · operation</div><div class="scale">{ticks}</div></div>
{rows}
</section>
<section><h2>Who called whom</h2>
<table class="calls">
<tr><th>caller</th><th></th><th>callee</th><th>calls</th><th>errors</th><th>ms in all</th></tr>{calls}
</table>
</section>
</main></body></html>
"""
