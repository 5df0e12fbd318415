"""Business operations of the sample suite, on the scenario's World.

Step functions call one of these and stay a few lines long. Each operation keeps the
response on the actor, so that a later ``Then`` can check it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from handoff.http.client import Response
from support.money import Money
from support.shop.api import ShopApi
from support.world import Actor, ShopWorld

DEFAULT_STOCK = 100
SHORT_SESSION_SECONDS = 0.2


def shop(world: ShopWorld) -> ShopApi:
    """The shop's API client of the scenario."""
    return world.shop


# accounts and sessions


def ensure_account(world: ShopWorld, name: str) -> Actor:
    if name in world.actors:
        return world.actors[name]
    actor = Actor(name, world.data.email(name), world.data.password())
    world.run.masker.add_for_scenario(actor.password)
    response = shop(world).register(actor.email, actor.password, name)
    world.check.equal(f"registering {name}", 201, response.status, response.exchange)
    actor.user_id = response.json()["id"]
    world.actors[name] = actor
    return actor


def sign_in(world: ShopWorld, name: str, password: str | None = None, email: str | None = None) -> Actor:
    actor = ensure_account(world, name)
    response = shop(world).sign_in(email or actor.email, password or actor.password)
    actor.last_response = response
    if response.status == 201:
        actor.token = response.json()["token"]
        world.run.masker.add_for_scenario(actor.token)
    return actor


def ensure_signed_in(world: ShopWorld, name: str) -> Actor:
    actor = sign_in(world, name)
    world.check.equal(f"{name} signing in", 201, actor.last_response.status, actor.last_response.exchange)
    return actor


def drop_session(world: ShopWorld, name: str) -> None:
    world.actor(name).token = None


def tamper_with_session(world: ShopWorld, name: str) -> None:
    actor = ensure_signed_in(world, name)
    last = actor.token[-1]
    actor.token = actor.token[:-1] + ("A" if last != "A" else "B")  # one character changed


def let_session_expire(world: ShopWorld, name: str) -> None:
    """Sign in for a fraction of a second, then wait until that session has expired."""
    actor = world.actor(name)
    response = shop(world).sign_in(actor.email, actor.password, expires_in=SHORT_SESSION_SECONDS)
    world.check.equal(f"{name} signing in for a short session", 201, response.status, response.exchange)
    actor.token = response.json()["token"]
    world.run.masker.add_for_scenario(actor.token)
    _sleep_until(response.json()["expires_at"])


def register_again(world: ShopWorld, name: str) -> Response:
    actor = world.actor(name)
    actor.last_response = shop(world).register(actor.email, world.data.password(), name)
    return actor.last_response


# catalog


def add_product(world: ShopWorld, name: str, price: Money, stock: int = DEFAULT_STOCK) -> dict[str, Any]:
    response = shop(world).add_product(world.data.sku(name), name, price, stock)
    world.check.equal(f"adding {name!r} to the catalog", 201, response.status, response.exchange)
    world.products[name] = response.json()
    return world.products[name]


def set_stock(world: ShopWorld, product: str, stock: int) -> None:
    response = shop(world).set_stock(world.product(product)["id"], stock)
    world.check.equal(f"setting the stock of {product!r}", 200, response.status, response.exchange)


# cart


def cart_id(world: ShopWorld, name: str) -> int:
    actor = world.actor(name)
    if "cart_id" not in actor.facts:
        response = shop(world).my_cart(actor.token)
        world.check.equal(f"{name} opening her cart", 200, response.status, response.exchange)
        actor.facts["cart_id"] = response.json()["id"]
    return actor.facts["cart_id"]


def look_at_cart(world: ShopWorld, name: str, owner: str | None = None) -> Response:
    actor = world.actor(name)
    if owner is None or owner == name:
        actor.last_response = shop(world).my_cart(actor.token)
    else:
        actor.last_response = shop(world).view_cart(actor.token, cart_id(world, owner))
    return actor.last_response


def add_to_cart(world: ShopWorld, name: str, product: str, quantity: int, owner: str | None = None) -> Response:
    actor = world.actor(name)
    target = cart_id(world, owner or name)
    actor.last_response = shop(world).add_to_cart(actor.token, target, world.product(product)["id"], quantity)
    return actor.last_response


def add_to_cart_claiming_price(world: ShopWorld, name: str, product: str, quantity: int, price: Money) -> Response:
    """Add to the cart with price fields of the client's own, as a tampered client would send them."""
    actor = world.actor(name)
    claimed = {"unit_price_cents": price.cents, "price_cents": price.cents, "currency": price.currency}
    product_id = world.product(product)["id"]
    actor.last_response = shop(world).add_to_cart(actor.token, cart_id(world, name), product_id, quantity, claimed)
    return actor.last_response


def put_in_cart(world: ShopWorld, name: str, product: str, quantity: int) -> None:
    response = add_to_cart(world, name, product, quantity)
    world.check.equal(f"{name} putting {quantity} {product!r} in the cart", 201, response.status, response.exchange)


def add_unknown_product(world: ShopWorld, name: str) -> Response:
    actor = world.actor(name)
    actor.last_response = shop(world).add_to_cart(actor.token, cart_id(world, name), 999_999_999, 1)
    return actor.last_response


def change_quantity(world: ShopWorld, name: str, product: str, quantity: int) -> Response:
    actor = world.actor(name)
    product_id = world.product(product)["id"]
    actor.last_response = shop(world).change_quantity(actor.token, cart_id(world, name), product_id, quantity)
    return actor.last_response


def remove_from_cart(world: ShopWorld, name: str, product: str) -> Response:
    actor = world.actor(name)
    product_id = world.product(product)["id"]
    actor.last_response = shop(world).remove_from_cart(actor.token, cart_id(world, name), product_id)
    return actor.last_response


def current_cart(world: ShopWorld, name: str) -> tuple[dict[str, Any], Response]:
    response = look_at_cart(world, name)
    world.check.equal(f"{name}'s cart", 200, response.status, response.exchange)
    return response.json(), response


def cart_lines(world: ShopWorld, name: str) -> tuple[list[dict[str, str]], Response]:
    """The cart as the feature describes it: product, quantity, line total."""
    cart, response = current_cart(world, name)
    lines = [
        {
            "product": item["name"],
            "quantity": str(item["quantity"]),
            "line total": str(Money(item["line_total_cents"], cart["currency"])),
        }
        for item in cart["items"]
    ]
    return lines, response


# checkout and orders


def check_out(world: ShopWorld, name: str, card_phrase: str) -> Response:
    actor = world.actor(name)
    key = world.data.idempotency_key()
    card = shop(world).card_number(card_phrase)
    actor.facts["checkout"] = {"card": card, "key": key}
    actor.last_response = shop(world).check_out(actor.token, card, key)
    actor.facts.setdefault("checkout_responses", []).append(actor.last_response)
    return actor.last_response


def retry_check_out(world: ShopWorld, name: str) -> Response:
    actor = world.actor(name)
    previous = actor.facts["checkout"]
    actor.last_response = shop(world).check_out(actor.token, previous["card"], previous["key"])
    actor.facts["checkout_responses"].append(actor.last_response)
    return actor.last_response


def last_checkout(world: ShopWorld, name: str) -> Response:
    """The answer to the actor's most recent checkout."""
    responses = world.actor(name).facts.get("checkout_responses", [])
    world.check.that(bool(responses), f"{name}'s checkout", f"{name} has not checked out in this scenario")
    return responses[-1]


def last_order_id(world: ShopWorld, name: str) -> str:
    response = last_checkout(world, name)
    order_id = response.field("id")
    world.check.that(bool(order_id), f"{name}'s order", "the checkout's answer names no order", response.exchange)
    return order_id


def look_at_order(world: ShopWorld, name: str, owner: str) -> Response:
    actor = world.actor(name)
    order_id = last_order_id(world, owner)
    actor.last_response = shop(world).view_order(actor.token, order_id)
    return actor.last_response


def _sleep_until(iso_timestamp: str) -> None:
    expires = datetime.fromisoformat(iso_timestamp.replace("Z", "+00:00"))
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    remaining = (expires - datetime.now(UTC)).total_seconds()
    time.sleep(max(0.0, remaining) + 0.05)
