"""The order confirmation email, sent over SMTP."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from shop.common.web import CORRELATION_HEADER

log = logging.getLogger(__name__)

ORDER_URL = "http://shop.example.test/orders/{order_id}"
SMTP_TIMEOUT_SECONDS = 5


def format_money(cents: int, currency: str) -> str:
    """``4500, "EUR"`` -> ``"45.00 EUR"``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d} {currency}"


def confirmation_message(order: dict, *, to: str, sender: str, correlation_id: str):
    """The confirmation email for a paid ``order`` (order JSON)."""
    currency = order["currency"]
    lines = [
        f"{line['quantity']} x {line['name']} @ {format_money(line['unit_price_cents'], currency)}"
        for line in order["lines"]
    ]
    body = "\n".join(
        [
            "Thank you for your order!",
            "",
            *lines,
            "",
            f"Total: {format_money(order['total_cents'], currency)}",
            "",
            f"Order details: {ORDER_URL.format(order_id=order['id'])}",
            "",
        ]
    )
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Order {order['id']} confirmed"
    message[CORRELATION_HEADER] = correlation_id
    message.set_content(body)
    return message


class Mailer:
    """Sends mail through one SMTP server; failures are logged, never raised."""

    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host = host
        self.port = port
        self.sender = sender

    def send_confirmation(self, order: dict, to: str, correlation_id: str) -> bool:
        message = confirmation_message(order, to=to, sender=self.sender, correlation_id=correlation_id)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("confirmation email for order %s not sent: %s", order["id"], exc)
            return False
        return True
