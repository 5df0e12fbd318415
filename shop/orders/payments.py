"""Charging a card through the payment gateway (the third party)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shop.common.http import ServiceClient, UpstreamUnavailable

log = logging.getLogger(__name__)

GATEWAY_UNAVAILABLE = "gateway_unavailable"


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    charge_id: str | None
    failure_reason: str | None


class PaymentGateway:
    """Client of the gateway's ``POST /charges``; the order id is the idempotency key."""

    def __init__(self, client: ServiceClient, api_key: str, timeout: float) -> None:
        self.client = client
        self.api_key = api_key
        self.timeout = timeout

    def charge(self, order_id: str, amount_cents: int, currency: str, card_number: str):
        payload = {
            "amount_cents": amount_cents,
            "currency": currency,
            "card_number": card_number,
            "reference": order_id,
        }
        try:
            response = self.client.request(
                "POST",
                "/charges",
                json=payload,
                authorization=f"Bearer {self.api_key}",
                headers={"Idempotency-Key": order_id},
                timeout=self.timeout,
            )
        except UpstreamUnavailable as exc:
            log.warning("gateway unavailable for order %s: %s", order_id, exc.reason)
            return ChargeResult(False, None, GATEWAY_UNAVAILABLE)
        return self._result(order_id, response)

    @staticmethod
    def _result(order_id: str, response) -> ChargeResult:
        try:
            body = response.json()
        except ValueError:
            body = {}
        status = body.get("status") if isinstance(body, dict) else None
        if response.status_code == 201 and status == "approved":
            return ChargeResult(True, body.get("id"), None)
        if response.status_code == 402 and status == "declined":
            return ChargeResult(False, body.get("id"), body.get("decline_code") or "card_declined")
        log.warning("gateway answered %d for order %s", response.status_code, order_id)
        return ChargeResult(False, None, GATEWAY_UNAVAILABLE)
