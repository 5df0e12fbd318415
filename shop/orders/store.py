"""Tables and database access of the orders service: orders, their lines, and the
responses stored per (user, Idempotency-Key)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from shop.common.db import isoformat_utc, utcnow
from shop.common.errors import ApiError
from shop.orders.outbox import outbox_table

PENDING_PAYMENT = "PENDING_PAYMENT"
PAID = "PAID"
PAYMENT_FAILED = "PAYMENT_FAILED"
STOCK_CONFLICT = "STOCK_CONFLICT"

metadata = MetaData()
orders = Table(
    "orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("customer_email", String(254), nullable=False),
    Column("status", String(32), nullable=False),
    Column("total_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("failure_reason", String(64), nullable=True),
    Column("charge_id", String(64), nullable=True),
    Column("idempotency_key", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("product_id", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_cents", Integer, nullable=False),
    Column("line_total_cents", Integer, nullable=False),
)
idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("user_id", Integer, nullable=False),
    Column("key", String(255), nullable=False),
    Column("status_code", Integer, nullable=True),  # NULL while the checkout is running
    Column("response_json", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "key", name="pk_idempotency_records"),
)

outbox_events = outbox_table(metadata)  # domain events, published after commit (shop/orders/outbox.py)

LINE_FIELDS = ("product_id", "sku", "name", "quantity", "unit_price_cents", "line_total_cents")


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]


class OrderStore:
    """Orders and their lines."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def create(self, *, user: dict, lines: list[dict], currency: str, idempotency_key: str) -> str:
        """Insert a PENDING_PAYMENT order with its lines; returns the order id."""
        order_id = "ord_" + secrets.token_hex(12)
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                insert(orders).values(
                    id=order_id,
                    user_id=user["id"],
                    customer_email=user["email"],
                    status=PENDING_PAYMENT,
                    total_cents=sum(line["line_total_cents"] for line in lines),
                    currency=currency,
                    idempotency_key=idempotency_key,
                    created_at=now,
                    updated_at=now,
                )
            )
            conn.execute(insert(order_lines), [{"order_id": order_id, **line} for line in lines])
        return order_id

    def update(self, order_id: str, event: dict | None = None, **values: Any) -> None:
        """Change an order; ``event`` (an outbox row) is written in the same transaction."""
        with self.engine.begin() as conn:
            conn.execute(update(orders).where(orders.c.id == order_id).values(updated_at=utcnow(), **values))
            if event is not None:
                conn.execute(insert(outbox_events).values(**event))

    def get(self, order_id: str, user_id: int | None = None) -> dict | None:
        """The order as JSON, or None if missing (or not owned by ``user_id`` when given)."""
        query = select(orders).where(orders.c.id == order_id)
        if user_id is not None:
            query = query.where(orders.c.user_id == user_id)
        found = self._load(query)
        return found[0] if found else None

    def for_user(self, user_id: int) -> list[dict]:
        """The user's orders as JSON, newest first."""
        query = (
            select(orders).where(orders.c.user_id == user_id).order_by(orders.c.created_at.desc(), orders.c.id.desc())
        )
        return self._load(query)

    def _load(self, query) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [row.id for row in rows]
            line_rows = (
                conn.execute(
                    select(order_lines).where(order_lines.c.order_id.in_(ids)).order_by(order_lines.c.id)
                ).all()
                if ids
                else []
            )
        lines: dict[str, list[dict]] = {order_id: [] for order_id in ids}
        for line in line_rows:
            lines[line.order_id].append({field: getattr(line, field) for field in LINE_FIELDS})
        return [order_json(row, lines[row.id]) for row in rows]


def order_json(row, lines: list[dict]) -> dict:
    return {
        "id": row.id,
        "status": row.status,
        "total_cents": row.total_cents,
        "currency": row.currency,
        "failure_reason": row.failure_reason,
        "charge_id": row.charge_id,
        "lines": lines,
        "created_at": isoformat_utc(row.created_at),
    }


class IdempotencyStore:
    """Final checkout responses per (user, Idempotency-Key).

    A key is claimed by inserting a row without a response; the primary key makes
    concurrent duplicates lose the insert, and they then wait for the response.
    """

    POLL_SECONDS = 0.1

    def __init__(self, engine, wait_seconds: float) -> None:
        self.engine = engine
        self.wait_seconds = wait_seconds

    def claim_or_replay(self, user_id: int, key: str) -> StoredResponse | None:
        """None when this request now owns the key, else the stored response to replay."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            if self._claim(user_id, key):
                return None
            stored = self._stored(user_id, key)
            if stored is not None:
                return stored
            if time.monotonic() >= deadline:
                raise ApiError(
                    409,
                    "idempotency_key_in_use",
                    "a checkout with this Idempotency-Key is still in progress",
                )
            time.sleep(self.POLL_SECONDS)

    def complete(self, user_id: int, key: str, status_code: int, body: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_records)
                .where(idempotency_records.c.user_id == user_id, idempotency_records.c.key == key)
                .values(status_code=status_code, response_json=json.dumps(body))
            )

    def release(self, user_id: int, key: str) -> None:
        """Forget a claim whose checkout ended without an order, so the key can be retried."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(idempotency_records).where(
                    idempotency_records.c.user_id == user_id,
                    idempotency_records.c.key == key,
                    idempotency_records.c.status_code.is_(None),
                )
            )

    def _claim(self, user_id: int, key: str) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(idempotency_records).values(user_id=user_id, key=key, created_at=utcnow()))
        except IntegrityError:
            return False
        return True

    def _stored(self, user_id: int, key: str) -> StoredResponse | None:
        query = select(idempotency_records.c.status_code, idempotency_records.c.response_json).where(
            idempotency_records.c.user_id == user_id, idempotency_records.c.key == key
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.status_code is None:
            return None
        return StoredResponse(row.status_code, json.loads(row.response_json))
