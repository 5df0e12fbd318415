"""The shop's domain events, as the sample suite checks them: announced once, handled once.

The orders service announces ``order.paid`` and ``order.payment_failed`` on the shop
broker's ``shop.events`` exchange; the notifications service sends the confirmation email
from ``order.paid`` and sets aside (``notifications.dead-letter``) what it cannot read.
Built on the generic message checks (handoff/messaging/checks.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from handoff.email.checks import mailbox
from handoff.matching.patterns import CONTAINS
from handoff.messaging import checks as messages
from support.money import Money
from support.shop.workflows import last_order_id
from support.world import ShopWorld

BROKER, EVENTS, DEAD_LETTER_QUEUE = "shop", "shop.events", "notifications.dead-letter"
ANNOUNCED_WITHIN = 5.0  # seconds: the outbox publishes at once after the commit
DUPLICATE_WINDOW = 1.0  # seconds a second announcement would take to show
SCHEMAS = [Path(__file__).resolve().parents[2] / "features"]


def expect_paid_announced_once(world: ShopWorld, name: str, total: Money) -> None:
    actor, order_id = world.actor(name), last_order_id(world, name)
    expected = json.dumps(
        {
            "type": "order.paid",
            "order": {"id": order_id, "status": "PAID", "total_cents": total.cents, "currency": total.currency},
            "customer": {"email": actor.email},
        }
    )
    messages.await_message(world, BROKER, EVENTS, "order.paid", expected, CONTAINS, ANNOUNCED_WITHIN)
    messages.expect_schema(world, "schemas/order_event.json", SCHEMAS)
    messages.expect_count(world, BROKER, EVENTS, "order.paid", 1, expected, CONTAINS, DUPLICATE_WINDOW)


def expect_payment_failure_announced(world: ShopWorld, name: str, reason: str) -> None:
    order_id = last_order_id(world, name)
    expected = json.dumps({"order": {"id": order_id, "status": "PAYMENT_FAILED", "failure_reason": reason}})
    messages.await_message(world, BROKER, EVENTS, "order.payment_failed", expected, CONTAINS, ANNOUNCED_WITHIN)
    messages.expect_schema(world, "schemas/order_event.json", SCHEMAS)


def expect_no_paid_announcement(world: ShopWorld, name: str) -> None:
    expected = json.dumps({"order": {"id": last_order_id(world, name)}})
    messages.expect_count(world, BROKER, EVENTS, "order.paid", 0, expected, CONTAINS, DUPLICATE_WINDOW)


def redeliver_paid_announcement(world: ShopWorld, name: str) -> None:
    """The broker hands the same order.paid to the consumer again (as after a lost acknowledgement)."""
    expected = json.dumps({"order": {"id": last_order_id(world, name)}})
    messages.await_message(world, BROKER, EVENTS, "order.paid", expected, CONTAINS, ANNOUNCED_WITHIN)
    messages.publish_again(world)


def announce_unreadable(world: ShopWorld) -> None:
    """An order.paid that is no order event (a producer's bug): the consumer can do nothing with it."""
    marker = f"poison-{world.data.suffix()}"
    world.variables.save("poison_marker", marker)
    body = json.dumps({"poison": marker, "order": "not an order"})
    messages.publish(world, BROKER, EVENTS, "order.paid", body)  # JSON braces are no {placeholders}


def expect_unreadable_set_aside(world: ShopWorld) -> None:
    marker = world.variables.get("poison_marker")
    expected = json.dumps({"poison": marker})
    messages.await_message(world, BROKER, "shop.dead-letters", "order.paid", expected, CONTAINS, ANNOUNCED_WITHIN)
    held = messages.expect_in_queue(world, BROKER, DEAD_LETTER_QUEUE, expected, CONTAINS, ANNOUNCED_WITHIN)
    reason = held.headers.get("x-death-reason", "")
    world.check.that("not an order.paid event" in reason, "why the message was set aside (x-death-reason)",
                     f"expected it to say it is not an order.paid event; it says {reason!r}", held)  # fmt: skip


def _confirmations(world: ShopWorld, name: str) -> tuple[list[str], object]:
    actor, order_id = world.actor(name), last_order_id(world, name)
    box = mailbox(world)
    subjects = [m.subject for m in box.messages_to(actor.email) if order_id in m.subject]
    return subjects, box.last_exchange


def expect_exactly_one_confirmation(world: ShopWorld, name: str) -> None:
    """One confirmation email, and still one after a second one would have had time to come."""
    deadline = time.monotonic() + float(world.run.settings.get("email.wait"))
    subjects, exchange = _confirmations(world, name)
    while not subjects and time.monotonic() < deadline:
        time.sleep(0.1)
        subjects, exchange = _confirmations(world, name)
    time.sleep(DUPLICATE_WINDOW * 2)
    subjects, exchange = _confirmations(world, name)
    world.check.equal(f"confirmation emails to {name}", 1, len(subjects), exchange)


def expect_no_confirmation_for(world: ShopWorld, name: str, seconds: float) -> None:
    """No confirmation email all along ``seconds`` (checked at the end: it would not go away)."""
    time.sleep(seconds)
    subjects, exchange = _confirmations(world, name)
    world.check.equal(f"confirmation emails to {name} after {seconds:g} s", [], subjects, exchange)
