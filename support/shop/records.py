"""What the sample shop's services wrote to their own databases, read with SQL.

Each function names the database (``orders``, ``catalog``, ``gateway``) and the
question it answers; the queries use bound parameters only.
"""

from __future__ import annotations

from typing import Any

from handoff.database.databases import Databases


def order(databases: Databases, order_id: str) -> dict[str, Any] | None:
    rows = databases.query(
        "orders",
        "SELECT id, user_id, status, total_cents, currency, failure_reason, charge_id FROM orders WHERE id = :order_id",
        order_id=order_id,
    )
    return rows[0] if rows else None


def order_lines(databases: Databases, order_id: str) -> list[dict[str, Any]]:
    return databases.query(
        "orders",
        "SELECT sku, name, quantity, unit_price_cents, line_total_cents FROM order_lines WHERE order_id = :order_id",
        order_id=order_id,
    )


def orders_of(databases: Databases, user_id: str) -> list[dict[str, Any]]:
    return databases.query(
        "orders", "SELECT id, status, total_cents FROM orders WHERE user_id = :user_id", user_id=str(user_id)
    )


def stock(databases: Databases, sku: str) -> int | None:
    rows = databases.query("catalog", "SELECT stock FROM products WHERE sku = :sku", sku=sku)
    return rows[0]["stock"] if rows else None


def charges_for(databases: Databases, reference: str) -> list[dict[str, Any]]:
    return databases.query(
        "gateway",
        "SELECT id, status, amount_cents, currency, card_last4, decline_code FROM charges WHERE reference = :reference",
        reference=reference,
    )
