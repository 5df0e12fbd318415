"""Payment gateway sandbox: the third party the orders service charges cards with.

The outcome of ``POST /charges`` depends on the test card number (see
``TEST_CARDS``). Approved and declined charges are recorded (only the last four
digits of the card); timeouts and processing errors record nothing. A repeated
``Idempotency-Key`` replays the recorded charge.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from shop.common.config import ServerSettings, env_float, env_str
from shop.common.db import create_db_engine, create_tables, isoformat_utc, utcnow
from shop.common.errors import ApiError, invalid_request
from shop.common.validation import get_card_number, get_currency, get_int, get_str, json_body, storable
from shop.common.web import create_base_app

APPROVED = "approved"
DECLINED = "declined"
SLOW = "slow"
ERROR = "error"

# card number -> (outcome, decline code); any other number is declined as card_declined.
TEST_CARDS = {
    "4242424242424242": (APPROVED, None),
    "4000000000000002": (DECLINED, "card_declined"),
    "4000000000009995": (DECLINED, "insufficient_funds"),
    "4000000000000119": (SLOW, None),
    "4000000000000500": (ERROR, None),
}
UNKNOWN_CARD = (DECLINED, "card_declined")

metadata = MetaData()
charges = Table(
    "charges",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("reference", String(255), nullable=False, index=True),
    Column("idempotency_key", String(255), nullable=True, unique=True),
    Column("amount_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("card_last4", String(4), nullable=False),
    Column("status", String(20), nullable=False),
    Column("decline_code", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    api_key: str
    slow_card_delay_seconds: float
    approval_delay_seconds: float  # how long the "bank" takes for every charge it decides

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("gateway"),
            api_key=env_str("GATEWAY_API_KEY"),
            slow_card_delay_seconds=env_float("GATEWAY_SLOW_CARD_DELAY_SECONDS", 5.0),
            approval_delay_seconds=env_float("GATEWAY_APPROVAL_DELAY_SECONDS", 0.0),
        )


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("gateway", engine)
    GatewayApi(engine, settings).register(app)
    return app


def charge_json(row) -> dict:
    return {
        "id": row.id,
        "status": row.status,
        "decline_code": row.decline_code,
        "amount_cents": row.amount_cents,
        "currency": row.currency,
        "card_last4": row.card_last4,
        "reference": row.reference,
        "created_at": isoformat_utc(row.created_at),
    }


def charge_response(row, *, replayed: bool = False):
    status = 201 if row.status == APPROVED else 402
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return charge_json(row), status, headers


class GatewayApi:
    """HTTP handlers of the gateway sandbox."""

    def __init__(self, engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def register(self, app: Flask) -> None:
        app.add_url_rule("/charges", view_func=self.create_charge, methods=["POST"])
        app.add_url_rule("/charges", view_func=self.list_charges, methods=["GET"])

    def create_charge(self):
        self._require_api_key()
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key is not None and len(key) > 255:  # what the database column holds
            raise invalid_request("the Idempotency-Key header must be at most 255 characters")
        if key is not None:
            existing = self._find_by_key(key)
            if existing is not None:
                return charge_response(existing, replayed=True)
        body = json_body()
        amount = get_int(body, "amount_cents", minimum=1)
        currency = get_currency(body)
        number = get_card_number(body)
        reference = get_str(body, "reference")
        outcome, decline_code = TEST_CARDS.get(number, UNKNOWN_CARD)
        if outcome == SLOW:
            time.sleep(self.settings.slow_card_delay_seconds)
            raise ApiError(504, "processing_timeout", "the card processor did not answer in time")
        if outcome == ERROR:
            raise ApiError(500, "processing_error", "the card processor failed")
        if self.settings.approval_delay_seconds:
            time.sleep(self.settings.approval_delay_seconds)
        values = {
            "id": "ch_" + secrets.token_hex(12),
            "reference": reference,
            "idempotency_key": key,
            "amount_cents": amount,
            "currency": currency,
            "card_last4": number[-4:],
            "status": outcome,
            "decline_code": decline_code,
            "created_at": utcnow(),
        }
        return self._record(values)

    def list_charges(self):
        self._require_api_key()
        query = select(charges).order_by(charges.c.created_at, charges.c.id)
        reference = request.args.get("reference")
        if reference is not None and not storable(reference):
            return {"items": []}  # no charge has such a reference
        if reference is not None:
            query = query.where(charges.c.reference == reference)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {"items": [charge_json(row) for row in rows]}

    def _record(self, values: dict):
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(charges).values(**values))
        except IntegrityError:
            # A concurrent request with the same Idempotency-Key won the race.
            existing = self._find_by_key(values["idempotency_key"])
            if existing is None:
                raise
            return charge_response(existing, replayed=True)
        with self.engine.connect() as conn:
            row = conn.execute(select(charges).where(charges.c.id == values["id"])).one()
        return charge_response(row)

    def _find_by_key(self, key: str | None):
        if key is None:
            return None
        with self.engine.connect() as conn:
            return conn.execute(select(charges).where(charges.c.idempotency_key == key)).first()

    def _require_api_key(self) -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        expected = self.settings.api_key.encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise ApiError(401, "invalid_api_key", "a valid API key is required")
