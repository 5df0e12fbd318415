"""Attachments for the Allure report: each HTTP exchange, query, email and broker message lands on the
step that caused it, secrets masked and large bodies capped. Each scenario also gets
its trace drawn as a waterfall (handoff/tracing/waterfall.py, an HTML attachment), its
text timeline as a fallback (handoff/report/timeline.py) and, when it fails, what every
service logged while it ran (handoff/report/service_logs.py).

Without the Allure formatter the calls cost almost nothing and attach nothing.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

import allure
from allure_commons.types import AttachmentType

from handoff.database.databases import Query
from handoff.email.mailbox import Email
from handoff.http.client import Exchange, cap
from handoff.matching.checker import format_table
from handoff.matching.numbers import plain
from handoff.messaging.messages import BrokerMessage
from handoff.report.after_steps import LateFailures, write_skipped_steps
from handoff.report.masking import Masker
from handoff.report.service_logs import ServiceLogs, parse_request_line
from handoff.report.timeline import Timeline

ATTACHMENT_LIMIT = 20_000
TIMELINE_LIMIT = 200_000
SERVICE_LOG_LIMIT = 20_000


class ReportAttachments:
    """Listens to the run's clients and attaches what they did."""

    def __init__(self, masker: Masker, service_logs: ServiceLogs | None = None) -> None:
        self.masker = masker
        self.service_logs = service_logs
        self.timeline: Timeline | None = None
        self._log_marks: dict[Path, int] = {}
        self.late_failures = LateFailures().register()

    def begin_scenario(self, name: str, correlation_id: str) -> None:
        self.timeline = Timeline(name, correlation_id)
        self._log_marks = self.service_logs.mark() if self.service_logs else {}

    def begin_step(self, name: str) -> None:
        if self.timeline is not None:
            self.timeline.begin_step(name)

    def after_steps(self, formatters: list[Any]) -> None:
        """The scenario's behave steps are over: later steps of the report's own come after all of them."""
        write_skipped_steps(formatters)

    def step(self, name: str) -> contextlib.AbstractContextManager:
        """A step of the report's own, outside behave's steps (a cleanup); what happens in it lands on it."""
        return allure.step(self.masker.mask(name))

    def fail_late(self, scenario: Any, message: str, broken: bool) -> None:
        """A failure after the scenario's steps (a cleanup), for its result (see handoff/report/after_steps.py)."""
        self.late_failures.add(scenario, self.masker.mask(message), broken)

    def end_scenario(self, failed: bool, failure: str = "", traced: tuple | None = None) -> None:
        """Attach the scenario's trace and timeline, and on failure the services' logs of its time.

        ``traced`` is (ScenarioTrace, spans) from handoff.tracing. Where services sent spans,
        the timeline takes their requests from them; else from the services' request log lines.
        """
        timeline, self.timeline = self.timeline, None
        if timeline is None:
            return
        timeline.failure = failure
        written = self.service_logs.lines_since(self._log_marks) if self.service_logs else {}
        service_spans = [span for span in traced[1] if not span.from_test] if traced else []
        if traced is not None:
            timeline.trace_id = traced[0].trace_id
            self._attach_trace(traced[0], traced[1], failed, failure, len(service_spans))
        if service_spans:
            timeline.add_service_spans(service_spans)
        else:
            timeline.add_service_requests(
                [request for lines in written.values() for line in lines if (request := parse_request_line(line))]
            )
        calls = sum(1 for e in timeline.events if e.kind in ("HTTP", "SVC"))
        self._attach(timeline.render(), f"Timeline: {calls} HTTP request(s) across services", TIMELINE_LIMIT)
        if failed:
            for service, lines in sorted(written.items()):
                self._attach(
                    cap_tail("\n".join(lines) + "\n", SERVICE_LOG_LIMIT),
                    f"Log of {service} while the scenario ran ({len(lines)} line(s))",
                )

    def _attach_trace(self, trace, spans: list, failed: bool, failure: str, from_services: int) -> None:
        from handoff.tracing.waterfall import render

        page = self.masker.mask(render(trace, spans, failed, failure))
        services = len({span.service for span in spans if not span.from_test})
        name = f"Trace: {from_services} span(s) from {services} service(s), {len(trace.steps)} step(s)"
        with contextlib.suppress(KeyError):  # outside a scenario: no test to attach to
            allure.attach(page, name=name, attachment_type=AttachmentType.HTML)

    def on_exchange(self, exchange: Exchange) -> None:
        outcome = exchange.status if exchange.status is not None else exchange.error
        path = _path(exchange.url)
        name = f"{exchange.method} {exchange.service} {path} -> {outcome}"
        if exchange.observed:  # a call between services: the timeline has it from the services' side already
            self._attach(exchange.describe(self.masker, ATTACHMENT_LIMIT), f"Between services: {name}", masked=True)
            return
        self._attach(exchange.describe(self.masker, ATTACHMENT_LIMIT), name, masked=True)
        if self.timeline is not None:
            what = f"{exchange.method} {path} -> {outcome}"
            self.timeline.add("HTTP", f"test -> {exchange.service}", what, exchange.started_at, exchange.elapsed_ms)

    def on_query(self, query: Query) -> None:
        shown = query.shown_rows()  # columns named like credentials as ****
        columns = list(shown[0]) if shown else []
        rows = [[str(row[c]) for c in columns] for row in shown]
        params = json.dumps(plain(dict(query.shown_params())), default=str, ensure_ascii=False)
        body = (
            f"database: {query.database}\n{query.sql.strip()}\nparameters: {params}\n"
            f"{len(query.rows)} row(s) in {query.elapsed_ms:.1f} ms\n\n"
            + (format_table(columns, rows) if columns else "(no rows)")
        )
        self._attach(body, f"SQL {query.database}: {len(query.rows)} row(s)")
        if self.timeline is not None:
            sql = " ".join(query.sql.split())
            what = f"{sql if len(sql) <= 100 else sql[:99] + '…'} -> {len(query.rows)} row(s)"
            self.timeline.add("SQL", query.database, what, time.time() - query.elapsed_ms / 1000, query.elapsed_ms)

    def on_contract_check(self, exchange: Exchange, found) -> None:
        """An exchange that broke its service's API description (or tested it on purpose), under its step."""
        path = _path(exchange.url)
        if found.violations:
            lines = [f"{exchange.method} {path} -> {exchange.status}: {len(found.violations)} violation(s)", ""]
            for violation in found.violations:
                lines += [
                    f"operation: {violation.operation}",
                    f"in the {violation.part}{f' at {violation.pointer}' if violation.pointer else ''}",
                    f"the description promises: {violation.promised}",
                    f"what came: {violation.received}",
                    "",
                ]
            self._attach("\n".join(lines), f"Contract violation: {exchange.service} {exchange.method} {path}")
        if found.negative:
            lines = [f"{exchange.method} {path} -> {exchange.status}, a status the description declares for it.", ""]
            lines += [f"- {violation.describe()}" for violation in found.negative]
            self._attach("\n".join(lines), f"Request outside the contract, rightly refused: {exchange.service}")

    def on_stub_journal(self, stub: str, journal: str) -> None:
        """What a stub received in this scenario, attached where a step checks it."""
        self._attach(journal, f"{stub} received")

    def on_email(self, email: Email) -> None:
        self._attach(email.as_text(), f"Email to {', '.join(email.recipients)}: {email.subject}")
        if self.timeline is not None:
            self.timeline.add("EMAIL", "mail", f"to {', '.join(email.recipients)}: {email.subject}", time.time())

    def on_message(self, message: BrokerMessage) -> None:
        """A message published or observed (masked like an HTTP exchange), and its line in the timeline."""
        self._attach(message.describe(), f"Message {message.direction}: {message.routing_key} ({message.where})")
        if self.timeline is not None:
            who = f"test -> {message.broker}" if message.direction == "published" else message.broker
            place = message.queue or message.exchange or "(default exchange)"
            self.timeline.add("MSG", who, f"{message.direction} {message.routing_key} on {place}", message.at)

    def _attach(self, body: str, name: str, limit: int = ATTACHMENT_LIMIT, masked: bool = False) -> None:
        # Outside a scenario allure-behave has no test to attach to, and raises KeyError.
        with contextlib.suppress(KeyError):
            allure.attach(
                cap(body if masked else self.masker.mask(body), limit),
                name=self.masker.mask(name),
                attachment_type=AttachmentType.TEXT,
            )


class NoAttachments:
    """Stands in for :class:`ReportAttachments` when the Allure formatter is off: costs nothing."""

    def begin_scenario(self, name: str, correlation_id: str) -> None: ...

    def begin_step(self, name: str) -> None: ...

    def after_steps(self, formatters: list[Any]) -> None: ...

    def step(self, name: str) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()

    def fail_late(self, scenario: Any, message: str, broken: bool) -> None: ...

    def end_scenario(self, failed: bool, failure: str = "", traced: tuple | None = None) -> None: ...

    def on_email(self, email: Email) -> None: ...

    def on_message(self, message: BrokerMessage) -> None: ...

    def on_contract_check(self, exchange: Exchange, found) -> None: ...

    def on_stub_journal(self, stub: str, journal: str) -> None: ...


def cap_tail(text: str, limit: int) -> str:
    """The end of a long text (a log's last lines matter most), with a note of its size."""
    if len(text) <= limit:
        return text
    return f"… [cut: {len(text)} characters in all, last {limit} shown]\n{text[-limit:]}"


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
