"""The checkout workflow as plain HTTP calls and SQL: the floor the framework is measured against.

The same calls the sample suite's steps make (sign up and in, add a product, fill the
cart, check out, read the order and its lines from the orders database, wait for the
confirmation email with the same polling back-off), with one ``requests.Session`` and
``sqlite3``. The raw loop, the pytest and the pytest-bdd variants all use this module.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass

import requests

TIMEOUT = (2.0, 5.0)
APPROVED_CARD = "4242424242424242"


@dataclass
class Shop:
    urls: dict[str, str]
    service_token: str
    orders_db: str
    session: requests.Session

    @classmethod
    def from_env(cls) -> Shop:
        """The running shop described by BENCH_SHOP (JSON: urls, service_token, orders_db)."""
        data = json.loads(os.environ["BENCH_SHOP"])
        session = requests.Session()
        session.trust_env = False
        return cls(data["urls"], data["service_token"], data["orders_db"], session)

    def call(self, method: str, service: str, path: str, expect: int, **kwargs) -> dict:
        response = self.session.request(method, self.urls[service] + path, timeout=TIMEOUT, **kwargs)
        if response.status_code != expect:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response.json()


def add_product(shop: Shop, tag: str, price_cents: int = 1999, stock: int = 10) -> int:
    body = {"sku": f"NOTEBOOK-{tag}", "name": "Notebook", "price_cents": price_cents, "currency": "EUR", "stock": stock}
    return shop.call("POST", "catalog", "/products", 201, json=body, headers={"X-Service-Token": shop.service_token})[
        "id"
    ]


def sign_in(shop: Shop, tag: str) -> tuple[str, str]:
    email, password = f"alice.{tag}@example.test", "pw-" + secrets.token_urlsafe(12)
    shop.call("POST", "auth", "/users", 201, json={"email": email, "password": password, "name": "Alice"})
    token = shop.call("POST", "auth", "/sessions", 201, json={"email": email, "password": password})["token"]
    return email, token


def fill_cart(shop: Shop, token: str, product_id: int, quantity: int) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    cart_id = shop.call("GET", "cart", "/cart", 200, headers=auth)["id"]
    body = {"product_id": product_id, "quantity": quantity}
    shop.call("POST", "cart", f"/carts/{cart_id}/items", 201, json=body, headers=auth)


def check_out(shop: Shop, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(16)}
    return shop.call("POST", "orders", "/checkout", 201, json={"card_number": APPROVED_CARD}, headers=headers)["id"]


def verify_paid(shop: Shop, order_id: str, total_cents: int) -> None:
    with sqlite3.connect(shop.orders_db) as db:
        row = db.execute(
            "SELECT id, user_id, status, total_cents, currency, failure_reason, charge_id FROM orders WHERE id = ?",
            (order_id,),
        ).fetchone()
    assert (row[2], row[3]) == ("PAID", total_cents), row


def verify_lines(shop: Shop, order_id: str, quantity: int, total_cents: int) -> None:
    with sqlite3.connect(shop.orders_db) as db:
        lines = db.execute(
            "SELECT sku, name, quantity, unit_price_cents, line_total_cents FROM order_lines WHERE order_id = ?",
            (order_id,),
        ).fetchall()
    assert [(line[1], line[2], line[4]) for line in lines] == [("Notebook", quantity, total_cents)], lines


def verify_email(shop: Shop, email: str, order_id: str, total_text: str, timeout: float = 5.0) -> None:
    """Polls like the framework's wait_until: from 0.02 s, doubling, up to 0.5 s."""
    deadline, interval = time.monotonic() + timeout, 0.02
    while True:
        items = shop.call("GET", "mail", "/messages", 200, params={"to": email})["items"]
        found = [m for m in items if m["subject"] == f"Order {order_id} confirmed"]
        if found:
            assert total_text in found[0]["body"], found[0]["body"]
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no confirmation email to {email}")
        time.sleep(interval)
        interval = min(interval * 2, 0.5)


def checkout_workflow(shop: Shop, tag: str) -> None:
    product_id = add_product(shop, tag)
    email, token = sign_in(shop, tag)
    fill_cart(shop, token, product_id, 2)
    order_id = check_out(shop, token)
    verify_paid(shop, order_id, 3998)
    verify_lines(shop, order_id, 2, 3998)
    verify_email(shop, email, order_id, "39.98 EUR")
