"""What the trace phrases assert (handoff/steps/trace_steps.py): integration behaviour
that no response shows, read from the spans the services sent for this scenario.

A service is named as the run knows it ("the gateway", "the orders service"): its span
service name may be that name or end in ``.<name>`` (``shop.gateway``). Each check waits
for late spans first (``[tracing] wait``), and says in its message what the trace held.
"""

from __future__ import annotations

import fnmatch
from collections import Counter

from handoff.tracing.spans import Span

BOUNDS = ("exactly", "at least", "at most")


class TracingOff(AssertionError):
    """A trace phrase in a run without tracing."""


def spans_of_scenario(world) -> list[Span]:
    tracing = world.run.tracing
    if tracing is None:
        raise TracingOff("this run keeps no traces: [tracing] enabled = false in the configuration")
    return tracing.service_spans()


def service_name(text: str) -> str:
    """ "the orders service" -> "orders"; "gateway" -> "gateway"."""
    name = text.strip()
    name = name.removeprefix("the ").strip()
    return name.removesuffix(" service").strip()


def is_service(span: Span, name: str) -> bool:
    return span.service == name or span.service.endswith(("." + name, "-" + name, "/" + name))


def expect_received(world, service: str, bound: str, count: int, method: str, path: str) -> None:
    """The service handled ``bound count`` requests ``method path`` (``*`` in the path matches anything)."""
    name = service_name(service)
    spans = spans_of_scenario(world)
    handled = [s for s in spans if is_service(s, name) and s.kind == "SERVER"]
    matching = [s for s in handled if s.http_method == method.upper() and _path_matches(s, path)]
    if not _holds(bound, len(matching), count):
        seen = Counter(f"{s.http_method} {s.http_path} -> {s.http_status}" for s in handled)
        listing = "\n".join(f"  {n} × {what}" for what, n in sorted(seen.items())) or "  (none)"
        raise AssertionError(
            f"expected {name} to receive {bound} {count} {method.upper()} {path} during this scenario, "
            f"it received {len(matching)}.\nRequests {name} handled in this scenario's trace:\n{listing}"
            f"{_who_exported(spans, name)}"
        )


def expect_no_server_error(world) -> None:
    """No service answered any request of this scenario with a 5xx status."""
    spans = spans_of_scenario(world)
    errors = [s for s in spans if s.kind == "SERVER" and (s.http_status or 0) >= 500]
    if errors:
        lines = "\n".join(
            f"  {s.service}: {s.http_method} {s.http_path} -> {s.http_status}"
            + (f" ({s.error_summary()})" if s.error_summary() and not s.error_summary().startswith("HTTP") else "")
            for s in sorted(errors, key=lambda s: s.start)
        )
        raise AssertionError(
            f"expected no service to answer with a server error (5xx) during this scenario, {len(errors)} did:\n{lines}"
        )


def expect_database_queries(world, service: str, bound: str, count: int) -> None:
    """The service ran ``bound count`` database queries in this scenario (spans with db.system)."""
    name = service_name(service)
    spans = spans_of_scenario(world)
    queries = [s for s in spans if is_service(s, name) and s.is_database and s.name != "connect"]
    if not _holds(bound, len(queries), count):
        shown = Counter(" ".join(s.db_statement.split())[:120] for s in queries)
        listing = "\n".join(f"  {n} × {sql}" for sql, n in shown.most_common(15)) or "  (none)"
        raise AssertionError(
            f"expected {name} to make {bound} {count} database queries during this scenario, "
            f"it made {len(queries)}:\n{listing}{_who_exported(spans, name)}"
        )


def expect_called(world, caller: str, callee: str) -> None:
    """A span of ``callee`` has a span of ``caller`` as its parent: the caller called it in this scenario."""
    caller_name, callee_name = service_name(caller), service_name(callee)
    spans = spans_of_scenario(world)
    by_id = {s.span_id: s for s in spans}
    calls = [
        s for s in spans
        if is_service(s, callee_name) and s.parent_id in by_id and is_service(by_id[s.parent_id], caller_name)
    ]  # fmt: skip
    if not calls:
        pairs = Counter(
            f"{by_id[s.parent_id].service} -> {s.service}"
            for s in spans
            if s.parent_id in by_id and by_id[s.parent_id].service != s.service
        )
        listing = "\n".join(f"  {pair} ({n})" for pair, n in sorted(pairs.items())) or "  (none)"
        raise AssertionError(
            f"expected {caller_name} to call {callee_name} during this scenario, it did not.\n"
            f"Calls between services in this scenario's trace:\n{listing}"
        )


def _holds(bound: str, actual: int, expected: int) -> bool:
    if bound == "exactly":
        return actual == expected
    if bound == "at least":
        return actual >= expected
    if bound == "at most":
        return actual <= expected
    raise AssertionError(f"say 'exactly', 'at least' or 'at most' before the number, not {bound!r}")


def _path_matches(span: Span, pattern: str) -> bool:
    path = span.http_path
    route = str(span.attribute("http.route", default=""))
    return fnmatch.fnmatchcase(path, pattern) or (bool(route) and route == pattern)


def _who_exported(spans: list[Span], name: str) -> str:
    if any(is_service(s, name) for s in spans):
        return ""
    services = sorted({s.service for s in spans})
    return (
        f"\nNo span of a service named {name!r} is in this scenario's trace (services that sent spans: "
        f"{', '.join(services) or 'none'}). Is it instrumented with OpenTelemetry and exporting to the run "
        "(OTEL_EXPORTER_OTLP_ENDPOINT)?"
    )
