"""notifications service: the order confirmation email, sent when ``order.paid`` arrives.

It consumes its own queue ``notifications.order-paid`` (bound to ``shop.events`` with
``order.paid``), one message at a time, and acknowledges a message only after its work:

- an event it has handled already (same ``event_id``: a redelivery, or the outbox
  publishing twice) is acknowledged and nothing is sent again: the ``processed_messages``
  table is claimed before sending (an idempotent consumer);
- a message it cannot read (not JSON, fields missing) goes to ``shop.dead-letters``
  (its queue ``notifications.dead-letter``) with the reason in the ``x-death-reason``
  header, and is acknowledged;
- an email the mail server refuses is tried again (``SEND_ATTEMPTS``); then the message is
  dead-lettered too, and the log says the confirmation email was not sent.

While the service is stopped, messages wait in its queue and are handled when it is back.
``GET /health`` answers as every service does.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask
from kombu import Consumer, Producer, Queue
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert
from sqlalchemy.exc import IntegrityError

from shop.common.broker import DEAD_LETTERS, EVENTS, broker_connection, shown
from shop.common.config import ServerSettings, env_int, env_str
from shop.common.db import create_db_engine, create_tables, utcnow
from shop.common.web import create_base_app, on_shutdown
from shop.orders.mailer import Mailer

log = logging.getLogger(__name__)

QUEUE = Queue("notifications.order-paid", exchange=EVENTS, routing_key="order.paid", durable=True)
DEAD_LETTER_QUEUE = Queue("notifications.dead-letter", exchange=DEAD_LETTERS, routing_key="#", durable=True)
SEND_ATTEMPTS = 3
RETRY_SECONDS = 0.3

metadata = MetaData()
processed_messages = Table(
    "processed_messages",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)


class PoisonMessage(ValueError):
    """A message this service cannot handle, whatever it tries."""


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    broker_url: str
    smtp_host: str
    smtp_port: int
    mail_from: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("notifications"),
            broker_url=env_str("SHOP_BROKER_URL"),
            smtp_host=env_str("SHOP_SMTP_HOST", "127.0.0.1"),
            smtp_port=env_int("SHOP_SMTP_PORT", minimum=1, maximum=65535),
            mail_from=env_str("SHOP_MAIL_FROM", "shop@example.test"),
        )


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("notifications", engine)
    consumer = OrderPaidConsumer(engine, settings.broker_url, Mailer(settings.smtp_host, settings.smtp_port,
                                                                     settings.mail_from))  # fmt: skip
    consumer.declare()  # its queues exist before the service says it is ready
    consumer.start()
    on_shutdown(app, consumer.stop)
    return app


def read_event(body: bytes | str) -> tuple[str, dict, str]:
    """(event id, order, customer email) of an ``order.paid`` event, or :class:`PoisonMessage`."""
    try:
        event = json.loads(body)
        event_id, order, email = str(event["event_id"]), event["order"], str(event["customer"]["email"])
        for field in ("id", "currency", "total_cents", "lines"):
            order[field]
    except (ValueError, KeyError, TypeError) as error:
        raise PoisonMessage(f"not an order.paid event: {type(error).__name__}: {error}") from None
    return event_id, order, email


class OrderPaidConsumer:
    def __init__(self, engine, broker_url: str, mailer: Mailer) -> None:
        self.engine = engine
        self.broker_url = broker_url
        self.mailer = mailer
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="order-paid-consumer", daemon=True)
        self.connection = None

    def declare(self) -> None:
        deadline = time.monotonic() + 15
        while True:
            try:
                with broker_connection(self.broker_url) as connection:
                    connection.ensure_connection(max_retries=1)
                    channel = connection.channel()
                    for queue in (QUEUE, DEAD_LETTER_QUEUE):
                        queue(channel).declare()
                return
            except Exception as error:
                if time.monotonic() >= deadline:
                    raise
                log.warning("broker %s not ready (%s), retrying", shown(self.broker_url), type(error).__name__)
                time.sleep(0.5)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=3)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._consume()
            except Exception as error:  # the broker went away: connect again
                log.warning("consumer lost the broker %s: %s: %s", shown(self.broker_url), type(error).__name__, error)
                time.sleep(0.5)

    def _consume(self) -> None:
        with broker_connection(self.broker_url) as connection:
            connection.ensure_connection(max_retries=1)
            channel = connection.channel()
            channel.basic_qos(0, 1, False)  # one at a time (prefetch size, count, global)
            producer = Producer(channel)
            with Consumer(channel, [QUEUE], callbacks=[lambda body, m: self.handle(m, producer)], accept=None):
                while not self.stopping.is_set():
                    try:
                        connection.drain_events(timeout=0.3)
                    except TimeoutError:
                        continue
            # leaving the block: an unacknowledged message goes back to the queue

    def handle(self, message, producer: Producer) -> None:
        correlation = (message.headers or {}).get("x-correlation-id", "")
        try:
            event_id, order, email = read_event(message.body)
        except PoisonMessage as error:
            self.dead_letter(message, producer, str(error))
            return
        if not self._claim(event_id):
            log.info("event %s handled already: no second email", event_id)
            message.ack()
            return
        for attempt in range(1, SEND_ATTEMPTS + 1):
            if self.mailer.send_confirmation(order, email, correlation):
                log.info("confirmation email for order %s sent (event %s)", order["id"], event_id)
                message.ack()
                return
            if attempt < SEND_ATTEMPTS:
                time.sleep(RETRY_SECONDS * attempt)
        self._release(event_id)
        log.error("confirmation email for order %s not sent after %d attempts", order["id"], SEND_ATTEMPTS)
        self.dead_letter(message, producer, "the mail server refused the confirmation email")

    def dead_letter(self, message, producer: Producer, reason: str) -> None:
        """Into shop.dead-letters with the reason, then acknowledged: it never blocks the queue."""
        producer.publish(
            message.body,
            exchange=DEAD_LETTERS,
            routing_key=message.delivery_info.get("routing_key", ""),
            headers={**(message.headers or {}), "x-death-reason": reason, "x-first-queue": QUEUE.name},
            content_type=message.content_type or "application/octet-stream",
            content_encoding=message.content_encoding or "utf-8",
            declare=[DEAD_LETTERS],
        )
        log.error("message %s dead-lettered: %s", message.properties.get("message_id", "?"), reason)
        message.ack()

    def _claim(self, event_id: str) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(processed_messages).values(event_id=event_id, processed_at=utcnow()))
        except IntegrityError:
            return False
        return True

    def _release(self, event_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(processed_messages).where(processed_messages.c.event_id == event_id))
