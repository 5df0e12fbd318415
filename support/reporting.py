"""Attachments for the Allure report: each HTTP exchange, query and email lands on the
step that caused it, secrets masked and large bodies capped.

Without the Allure formatter the calls cost almost nothing and attach nothing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

import allure
from allure_commons.types import AttachmentType

from support.assertions import format_table
from support.database import Query
from support.http import Exchange, cap
from support.mailbox import Email
from support.masking import Masker

ATTACHMENT_LIMIT = 20_000


class ReportAttachments:
    """Listens to the run's clients and attaches what they did."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker

    def on_exchange(self, exchange: Exchange) -> None:
        outcome = exchange.status if exchange.status is not None else exchange.error
        name = f"{exchange.method} {exchange.service} {_path(exchange.url)} -> {outcome}"
        self._attach(exchange.describe(self.masker, ATTACHMENT_LIMIT), name)

    def on_query(self, query: Query) -> None:
        columns = list(query.rows[0]) if query.rows else []
        rows = [[str(row[c]) for c in columns] for row in query.rows]
        params = json.dumps(query.params, default=str, ensure_ascii=False)
        body = (
            f"database: {query.database}\n{query.sql.strip()}\nparameters: {params}\n"
            f"{len(query.rows)} row(s) in {query.elapsed_ms:.1f} ms\n\n"
            + (format_table(columns, rows) if columns else "(no rows)")
        )
        self._attach(body, f"SQL {query.database}: {len(query.rows)} row(s)")

    def on_email(self, email: Email) -> None:
        self._attach(email.as_text(), f"Email to {', '.join(email.recipients)}: {email.subject}")

    def _attach(self, body: str, name: str) -> None:
        # Outside a scenario allure-behave has no test to attach to, and raises KeyError.
        with contextlib.suppress(KeyError):
            allure.attach(
                cap(self.masker.mask(body), ATTACHMENT_LIMIT),
                name=self.masker.mask(name),
                attachment_type=AttachmentType.TEXT,
            )


def write_environment_properties(results_dir: Path, properties: Mapping[str, str]) -> None:
    """Allure's environment widget; allure-behave leaves this file to us."""
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}={_escape(str(value))}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
