"""Domain events of the orders service, published after their transaction commits (an outbox).

An order's change and the event that announces it are written in one transaction
(:meth:`shop.orders.store.OrderStore.update` with ``event=``), so neither exists without
the other. A relay thread then publishes each event not yet published, in order, and
marks it published once the broker confirmed it. A broker that is down delays events,
never loses them: the relay retries. A crash between the broker's confirmation and the
mark can publish an event twice, so consumers are idempotent (they remember each
``event_id``).
"""

from __future__ import annotations

import json
import logging
import threading
import time

from kombu import Producer
from sqlalchemy import Column, DateTime, Integer, String, Table, Text, select, update

from shop.common.broker import EVENTS, broker_connection, shown
from shop.common.db import utcnow

log = logging.getLogger(__name__)

RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)


def outbox_table(metadata) -> Table:
    return Table(
        "outbox_events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("event_id", String(40), nullable=False, unique=True),
        Column("routing_key", String(64), nullable=False),
        Column("payload_json", Text, nullable=False),
        Column("correlation_id", String(128), nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )


class OutboxRelay:
    """Publishes the outbox's pending events to the broker, from one thread."""

    def __init__(self, engine, table: Table, broker_url: str) -> None:
        self.engine = engine
        self.table = table
        self.broker_url = broker_url
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self.connection = None
        self.producer = None

    def start(self) -> OutboxRelay:
        self.thread.start()
        return self

    def notify(self) -> None:
        """An event was committed: publish it now rather than at the next poll."""
        self.wake.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout=2)
        self._disconnect()

    def _run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                self._publish_pending()
                failures = 0
                self.wake.wait(timeout=0.5)
                self.wake.clear()
            except Exception as error:  # the broker is down or slow: keep the events, try again
                log.warning("events not published yet (broker %s): %s: %s", shown(self.broker_url),
                            type(error).__name__, error)  # fmt: skip
                self._disconnect()
                time.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1

    def _publish_pending(self) -> None:
        with self.engine.connect() as conn:
            pending = conn.execute(
                select(self.table).where(self.table.c.published_at.is_(None)).order_by(self.table.c.id).limit(100)
            ).all()
        for row in pending:
            self._producer().publish(
                row.payload_json,
                exchange=EVENTS,
                routing_key=row.routing_key,
                content_type="application/json",
                content_encoding="utf-8",
                message_id=row.event_id,
                headers={"x-correlation-id": row.correlation_id or ""},
                delivery_mode=2,
                declare=[EVENTS],
                retry=False,
            )
            with self.engine.begin() as conn:
                conn.execute(update(self.table).where(self.table.c.id == row.id).values(published_at=utcnow()))
            log.info("published %s %s", row.routing_key, row.event_id)

    def _producer(self) -> Producer:
        if self.producer is None:
            self.connection = broker_connection(self.broker_url)
            self.connection.ensure_connection(max_retries=1)
            self.producer = Producer(self.connection.channel())
        return self.producer

    def _disconnect(self) -> None:
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:  # already gone
                log.debug("broker connection closed with an error")
        self.connection = self.producer = None


def event_row(event_id: str, routing_key: str, payload: dict, correlation_id: str) -> dict:
    return {
        "event_id": event_id,
        "routing_key": routing_key,
        "payload_json": json.dumps(payload),
        "correlation_id": correlation_id,
        "created_at": utcnow(),
    }
