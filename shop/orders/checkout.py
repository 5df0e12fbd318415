"""The checkout workflow: cart -> stock check -> order -> charge -> stock, cart, event (or email).

With a broker, the outcome is announced as a domain event (``order.paid``,
``order.payment_failed``) written with the order's change and published after commit
(shop/orders/outbox.py); the notifications service sends the email. Without one, the
orders service sends the confirmation email itself.

Failures before the order exists raise :class:`ApiError` (no order is created).
Once the order exists, every outcome is returned as ``(http_status, order_json)``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from shop.common.catalog_client import fetch_product
from shop.common.db import isoformat_utc, utcnow
from shop.common.errors import ApiError
from shop.common.http import ServiceClient, UpstreamUnavailable
from shop.orders.mailer import Mailer
from shop.orders.outbox import event_row
from shop.orders.payments import GATEWAY_UNAVAILABLE, ChargeResult, PaymentGateway
from shop.orders.store import PAID, PAYMENT_FAILED, STOCK_CONFLICT, OrderStore

log = logging.getLogger(__name__)


class Checkout:
    """Runs one checkout for an authenticated user."""

    def __init__(
        self,
        *,
        orders: OrderStore,
        cart: ServiceClient,
        catalog: ServiceClient,
        gateway: PaymentGateway,
        mailer: Mailer,
        events_published: Callable[[], None] | None = None,
    ) -> None:
        self.orders = orders
        self.cart = cart
        self.catalog = catalog
        self.gateway = gateway
        self.mailer = mailer
        self.events_published = events_published  # None: no broker, the email is sent from here

    def run(
        self,
        *,
        user: dict,
        authorization: str,
        card_number: str,
        idempotency_key: str,
        correlation_id: str,
    ) -> tuple[int, dict]:
        cart = self._read_cart(authorization)
        lines, currency = self._priced_lines(cart["items"])
        order_id = self.orders.create(user=user, lines=lines, currency=currency, idempotency_key=idempotency_key)
        total = sum(line["line_total_cents"] for line in lines)
        charge = self.gateway.charge(order_id, total, currency, card_number)
        if not charge.approved:
            return self._payment_failed(order_id, charge, user, correlation_id)
        return self._fulfil(order_id, charge, lines, cart["id"], authorization, user, correlation_id)

    def _payment_failed(self, order_id: str, charge: ChargeResult, user: dict, correlation_id: str) -> tuple[int, dict]:
        values = {"status": PAYMENT_FAILED, "failure_reason": charge.failure_reason, "charge_id": charge.charge_id}
        self.orders.update(order_id, event=self._event("order.payment_failed", order_id, values, user, correlation_id),
                           **values)  # fmt: skip
        self._announce()
        status = 502 if charge.failure_reason == GATEWAY_UNAVAILABLE else 402
        return status, self.orders.get(order_id)

    def _fulfil(
        self,
        order_id: str,
        charge: ChargeResult,
        lines: list[dict],
        cart_id: int,
        authorization: str,
        user: dict,
        correlation_id: str,
    ) -> tuple[int, dict]:
        """After an approved charge: take stock, empty the cart, mark PAID, send email."""
        self.orders.update(order_id, charge_id=charge.charge_id)
        conflict = self._decrement_stock(lines)
        if conflict is not None:
            log.error(
                "order %s paid (charge %s) but stock could not be taken: %s",
                order_id,
                charge.charge_id,
                conflict,
            )
            self.orders.update(order_id, status=STOCK_CONFLICT, failure_reason=conflict)
            return 409, self.orders.get(order_id)
        self._empty_cart(cart_id, authorization)
        self.orders.update(order_id, event=self._event("order.paid", order_id, {"status": PAID}, user, correlation_id),
                           status=PAID)  # fmt: skip
        order = self.orders.get(order_id)
        if self.events_published is None:
            self.mailer.send_confirmation(order, user["email"], correlation_id)
        self._announce()
        return 201, order

    def _event(self, kind: str, order_id: str, change: dict, user: dict, correlation_id: str) -> dict | None:
        """The outbox row announcing the order as it will be once ``change`` is written; None without a broker."""
        if self.events_published is None:
            return None
        event_id = "evt_" + uuid.uuid4().hex
        payload = {
            "event_id": event_id,
            "type": kind,
            "occurred_at": isoformat_utc(utcnow()),
            "order": {**self.orders.get(order_id), **change},
            "customer": {"id": user["id"], "email": user["email"]},
        }
        return event_row(event_id, kind, payload, correlation_id)

    def _announce(self) -> None:
        if self.events_published is not None:
            self.events_published()

    def _read_cart(self, authorization: str) -> dict:
        response = self.cart.request("GET", "/cart", authorization=authorization)
        if response.status_code != 200:
            raise self.cart.unexpected(response)
        cart = response.json()
        if not cart["items"]:
            raise ApiError(409, "cart_empty", "the cart is empty")
        return cart

    def _priced_lines(self, items: list[dict]) -> tuple[list[dict], str]:
        """Order lines priced from the catalog; 409 when stock is short."""
        lines, currencies = [], set()
        for item in items:
            product = fetch_product(self.catalog, item["product_id"])
            quantity = item["quantity"]
            if quantity > product["stock"]:
                raise ApiError(
                    409,
                    "out_of_stock",
                    f"not enough stock for {product['sku']}",
                    sku=product["sku"],
                    product_id=product["id"],
                )
            currencies.add(product["currency"])
            lines.append(
                {
                    "product_id": product["id"],
                    "sku": product["sku"],
                    "name": product["name"],
                    "quantity": quantity,
                    "unit_price_cents": product["price_cents"],
                    "line_total_cents": product["price_cents"] * quantity,
                }
            )
        if len(currencies) != 1:
            raise ApiError(409, "currency_mismatch", "the cart mixes several currencies")
        return lines, currencies.pop()

    def _decrement_stock(self, lines: list[dict]) -> str | None:
        """Take the ordered quantities from stock; the failure reason, or None on success."""
        items = [{"product_id": line["product_id"], "quantity": line["quantity"]} for line in lines]
        try:
            response = self.catalog.request("POST", "/stock/decrements", json={"items": items}, as_service=True)
        except UpstreamUnavailable:
            return "stock_update_failed"
        if response.status_code == 200:
            return None
        return "out_of_stock" if response.status_code == 409 else "stock_update_failed"

    def _empty_cart(self, cart_id: int, authorization: str) -> None:
        try:
            response = self.cart.request("DELETE", f"/carts/{cart_id}/items", authorization=authorization)
        except UpstreamUnavailable:
            response = None
        if response is None or response.status_code != 204:
            log.error("cart %s could not be emptied after checkout", cart_id)
