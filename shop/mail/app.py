"""Mail sink: captures every message sent to its SMTP port and serves them over HTTP.

The SMTP server (aiosmtpd) runs in its own thread and is stopped when the HTTP
server stops.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from flask import Flask, request
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

from shop.common.config import ServerSettings, env_int
from shop.common.db import create_db_engine, create_tables, isoformat_utc, utcnow
from shop.common.errors import not_found
from shop.common.validation import parse_id
from shop.common.web import CORRELATION_HEADER, create_base_app, on_shutdown

log = logging.getLogger(__name__)

metadata = MetaData()
messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mail_from", String(254), nullable=False),
    Column("rcpt_tos", JSON, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("correlation_id", String(128), nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    smtp_port: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("mail"),
            smtp_port=env_int("SHOP_SMTP_PORT", minimum=1, maximum=65535),
        )


def create_app(settings: Settings) -> Flask:
    from aiosmtpd.controller import Controller

    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("mail", engine)
    MailApi(engine).register(app)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatty logger
    controller = Controller(CaptureHandler(engine), hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    log.info("SMTP sink listening on 127.0.0.1:%d", settings.smtp_port)
    on_shutdown(app, controller.stop)
    return app


def parse_message(raw: bytes) -> dict:
    """Subject, plain-text body and correlation id of a raw RFC 5322 message."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return {
        "subject": str(message.get("Subject", "")),
        "body": body,
        "correlation_id": message.get(CORRELATION_HEADER),
    }


class CaptureHandler:
    """aiosmtpd handler that stores every message in the database."""

    def __init__(self, engine) -> None:
        self.engine = engine

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        await asyncio.to_thread(self.store, envelope.mail_from, list(envelope.rcpt_tos), raw)
        return "250 Message accepted for delivery"

    def store(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        values = parse_message(raw)
        with self.engine.begin() as conn:
            conn.execute(
                insert(messages).values(
                    mail_from=mail_from or "",
                    rcpt_tos=rcpt_tos,
                    raw=raw.decode("utf-8", errors="replace"),
                    received_at=utcnow(),
                    **values,
                )
            )


def message_json(row) -> dict:
    return {
        "id": row.id,
        "from": row.mail_from,
        "to": list(row.rcpt_tos),
        "subject": row.subject,
        "body": row.body,
        "correlation_id": row.correlation_id,
        "received_at": isoformat_utc(row.received_at),
    }


def _matches(row, to: str | None, subject: str | None) -> bool:
    if to and to.lower() not in (address.lower() for address in row.rcpt_tos):
        return False
    return not subject or subject.lower() in row.subject.lower()


class MailApi:
    """HTTP handlers of the mail sink."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def register(self, app: Flask) -> None:
        app.add_url_rule("/messages", view_func=self.list_messages, methods=["GET"])
        app.add_url_rule("/messages", view_func=self.delete_messages, methods=["DELETE"])
        app.add_url_rule("/messages/<message_id>", view_func=self.get_message, methods=["GET"])

    def list_messages(self):
        to = request.args.get("to", "").strip() or None
        subject = request.args.get("subject") or None
        with self.engine.connect() as conn:
            rows = conn.execute(select(messages).order_by(messages.c.id)).all()
        return {"items": [message_json(row) for row in rows if _matches(row, to, subject)]}

    def get_message(self, message_id: str):
        parsed = parse_id(message_id)
        row = None
        if parsed is not None:
            with self.engine.connect() as conn:
                row = conn.execute(select(messages).where(messages.c.id == parsed)).first()
        if row is None:
            raise not_found("message_not_found", f"message {message_id} does not exist")
        return message_json(row)

    def delete_messages(self):
        with self.engine.begin() as conn:
            conn.execute(delete(messages))
        return "", 204
