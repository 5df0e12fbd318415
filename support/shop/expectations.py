"""Business outcomes of the sample suite, checked over HTTP and in the services' databases.

Each function states one outcome; on failure it shows expected and actual side by side
with the request or query behind them.
"""

from __future__ import annotations

from handoff.email.checks import mailbox
from handoff.waiting import eventually
from support.money import Money
from support.shop import records
from support.shop.workflows import cart_lines, current_cart, last_checkout, last_order_id, shop
from support.world import ShopWorld


def expect_refusal(world: ShopWorld, name: str, status: int, error: str) -> None:
    response = world.actor(name).last_response
    world.check.that(response is not None, f"{name}'s last answer", "no request was made")
    actual = (response.status, response.field("error"))
    world.check.equal(f"{name}'s answer (status, error)", (status, error), actual, response.exchange)


def expect_recognised(world: ShopWorld, name: str) -> None:
    actor = world.actor(name)
    response = shop(world).who_am_i(actor.token)
    world.check.equal(
        f"who the shop takes {name} for",
        (200, actor.email),
        (response.status, response.field("email")),
        response.exchange,
    )


def expect_stock(world: ShopWorld, product: str, stock: int) -> None:
    actual = records.stock(world.run.databases, world.product(product)["sku"])
    world.check.equal(f"stock of {product!r} in the catalog database", stock, actual)


def expect_cart_lines(world: ShopWorld, name: str, expected: list[dict[str, str]]) -> None:
    lines, response = cart_lines(world, name)
    world.check.rows(f"{name}'s cart", expected, lines, response.exchange)


def expect_cart_total(world: ShopWorld, name: str, total: Money) -> None:
    cart, response = current_cart(world, name)
    actual = Money(cart["total_cents"], cart["currency"])
    world.check.equal(f"{name}'s cart total", str(total), str(actual), response.exchange)


def expect_order_paid(world: ShopWorld, name: str, total: Money) -> None:
    response = last_checkout(world, name)
    body = response.json() or {}
    actual = (response.status, body.get("status"), str(Money(body.get("total_cents", 0), body.get("currency", "?"))))
    world.check.equal(f"{name}'s checkout (status, order, total)", (201, "PAID", str(total)), actual, response.exchange)
    stored = records.order(world.run.databases, last_order_id(world, name)) or {}
    world.check.equal(
        "the order in the orders database (status, total)",
        ("PAID", total.cents),
        (stored.get("status"), stored.get("total_cents")),
    )


def expect_order_not_paid(world: ShopWorld, name: str, reason: str) -> None:
    response = last_checkout(world, name)
    order_id = last_order_id(world, name)
    answer = (response.field("status"), response.field("failure_reason"))
    world.check.equal(
        f"{name}'s checkout answer (order, reason)", ("PAYMENT_FAILED", reason), answer, response.exchange
    )
    stored = records.order(world.run.databases, order_id) or {}
    world.check.equal(
        "the order in the orders database (status, reason)",
        ("PAYMENT_FAILED", reason),
        (stored.get("status"), stored.get("failure_reason")),
    )


def expect_order_lines(world: ShopWorld, name: str, expected: list[dict[str, str]]) -> None:
    order_id = last_order_id(world, name)
    currency = last_checkout(world, name).field("currency", "EUR")
    actual = [
        {
            "product": line["name"],
            "quantity": str(line["quantity"]),
            "unit price": str(Money(line["unit_price_cents"], currency)),
            "line total": str(Money(line["line_total_cents"], currency)),
        }
        for line in records.order_lines(world.run.databases, order_id)
    ]
    world.check.rows(f"lines of order {order_id} in the orders database", expected, actual)


def expect_out_of_stock(world: ShopWorld, name: str, product: str) -> None:
    expect_refusal(world, name, 409, "out_of_stock")
    response = world.actor(name).last_response
    world.check.equal(
        "the product named as out of stock", world.product(product)["sku"], response.field("sku"), response.exchange
    )


def expect_order_count(world: ShopWorld, name: str, count: int) -> None:
    orders = records.orders_of(world.run.databases, world.actor(name).user_id)
    world.check.equal(f"orders of {name} in the orders database", count, len(orders))


def expect_replayed_checkout(world: ShopWorld) -> None:
    responses = [r for actor in world.actors.values() for r in actor.facts.get("checkout_responses", [])]
    world.check.equal("number of checkout answers", 2, len(responses))
    first, second = responses
    world.check.equal(
        "the retried checkout's answer",
        (first.status, first.json()),
        (second.status, second.json()),
        first.exchange,
        second.exchange,
    )
    world.check.equal("the first checkout's order status", "PAID", first.field("status"), first.exchange)


def expect_single_charge(world: ShopWorld, name: str, amount: Money) -> None:
    order_id = last_order_id(world, name)
    charges = records.charges_for(world.run.databases, order_id)
    actual = [(c["status"], str(Money(c["amount_cents"], c["currency"]))) for c in charges]
    world.check.equal(f"charges for order {order_id} in the gateway's database", [("approved", str(amount))], actual)


def expect_no_approved_charge(world: ShopWorld, name: str) -> None:
    order_id = last_order_id(world, name)
    approved = [c for c in records.charges_for(world.run.databases, order_id) if c["status"] == "approved"]
    world.check.equal(f"approved charges for order {order_id} in the gateway's database", [], approved)


def expect_confirmation_email(world: ShopWorld, name: str, total: Money) -> None:
    actor = world.actor(name)
    order_id = last_order_id(world, name)
    email = mailbox(world).wait_for(
        actor.email, f"Order {order_id}", timeout=float(world.run.settings.get("email.wait"))
    )
    world.report.on_email(email)
    world.check.equal("the confirmation email's subject", f"Order {order_id} confirmed", email.subject)
    world.check.that(
        f"Total: {total}" in email.body,
        "the confirmation email's body",
        f"expected it to show 'Total: {total}'; it reads:\n{email.body}",
    )


def expect_try_again_later(world: ShopWorld, name: str) -> None:
    """The checkout answered at once that the payment could not be taken now, and why."""
    response = last_checkout(world, name)
    actual = (response.status, response.field("status"), response.field("failure_reason"))
    world.check.equal(
        f"{name}'s checkout answer (status, order, reason)",
        (502, "PAYMENT_FAILED", "gateway_unavailable"),
        actual,
        response.exchange,
    )


def expect_unsent_confirmation_logged(world: ShopWorld, name: str) -> None:
    """The service that sends confirmations (notifications, or orders without a broker) logged that
    the order's confirmation email could not be sent."""
    order_id = last_order_id(world, name)
    logs = [world.run.reports_dir / "service-logs" / f"{service}.log" for service in ("notifications", "orders")]
    expected = f"confirmation email for order {order_id} not sent"

    def logged() -> None:
        text = "".join(log.read_text(errors="replace") for log in logs if log.is_file())
        shown = " or ".join(str(log) for log in logs)
        world.check.that(expected in text, "the shop's logs", f"expected a line with {expected!r} in {shown}")

    # written by another process, after the consumer's retries (shop/notifications/app.py)
    eventually(logged, timeout=10.0)


def expect_no_confirmation_email(world: ShopWorld, name: str) -> None:
    actor = world.actor(name)
    box = mailbox(world)
    messages = box.messages_to(actor.email)
    world.check.equal(f"emails to {name}", [], [m.subject for m in messages], box.last_exchange)
