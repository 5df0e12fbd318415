"""cart service: one cart per user, lines of (product, quantity).

Users are authenticated through auth's ``GET /me``. The cart stores no prices:
names and prices are read from the catalog every time a cart is rendered.
A cart that belongs to someone else is answered like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from shop.common.catalog_client import fetch_product
from shop.common.config import ServerSettings, env_url
from shop.common.db import create_db_engine, create_tables
from shop.common.errors import ApiError, not_found
from shop.common.http import ServiceClient
from shop.common.security import authenticate_user
from shop.common.validation import get_int, json_body, parse_id
from shop.common.web import create_base_app

DEFAULT_CURRENCY = "EUR"

metadata = MetaData()
carts = Table(
    "carts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False, unique=True),
)
cart_items = Table(
    "cart_items",
    metadata,
    Column("id", Integer, primary_key=True),  # keeps lines in the order they were added
    Column("cart_id", Integer, ForeignKey("carts.id"), nullable=False),
    Column("product_id", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    UniqueConstraint("cart_id", "product_id", name="ux_cart_items_cart_product"),
)


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    auth_url: str
    catalog_url: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("cart"),
            auth_url=env_url("SHOP_AUTH_URL"),
            catalog_url=env_url("SHOP_CATALOG_URL"),
        )


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("cart", engine)
    api = CartApi(
        CartStore(engine),
        auth=ServiceClient("auth", settings.auth_url),
        catalog=ServiceClient("catalog", settings.catalog_url),
    )
    api.register(app)
    return app


def _cart_not_found(cart_id) -> ApiError:
    return not_found("cart_not_found", f"cart {cart_id} does not exist")


def _item_not_found(product_id) -> ApiError:
    return not_found("item_not_found", f"product {product_id} is not in the cart")


class CartStore:
    """Database access for carts and their lines."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def cart_for_user(self, user_id: int) -> int:
        """The id of the user's cart, creating it on first access."""
        cart_id = self._find_cart(user_id)
        if cart_id is not None:
            return cart_id
        try:
            with self.engine.begin() as conn:
                return conn.execute(insert(carts).values(user_id=user_id)).inserted_primary_key[0]
        except IntegrityError:  # created concurrently by another request
            return self._find_cart(user_id)

    def owned_cart(self, raw_cart_id: str, user_id: int) -> int:
        """The cart id if it exists and belongs to ``user_id``, else 404."""
        cart_id = parse_id(raw_cart_id)
        if cart_id is not None:
            query = select(carts.c.id).where(carts.c.id == cart_id, carts.c.user_id == user_id)
            with self.engine.connect() as conn:
                if conn.execute(query).first() is not None:
                    return cart_id
        raise _cart_not_found(raw_cart_id)

    def lines(self, cart_id: int) -> list:
        query = select(cart_items).where(cart_items.c.cart_id == cart_id).order_by(cart_items.c.id)
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def add(self, cart_id: int, product_id: int, quantity: int) -> None:
        """Add ``quantity`` to the line for ``product_id`` (creating it if needed)."""
        for _attempt in range(3):
            if self._increment(cart_id, product_id, quantity):
                return
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(cart_items).values(cart_id=cart_id, product_id=product_id, quantity=quantity))
                return
            except IntegrityError:  # the line appeared concurrently: increment it instead
                continue
        raise ApiError(409, "conflict", "the cart changed concurrently, please retry")

    def set_quantity(self, cart_id: int, product_id: int, quantity: int) -> bool:
        """Set a line's quantity (0 removes it); False when the line does not exist."""
        where = (cart_items.c.cart_id == cart_id, cart_items.c.product_id == product_id)
        with self.engine.begin() as conn:
            if quantity == 0:
                result = conn.execute(delete(cart_items).where(*where))
            else:
                result = conn.execute(update(cart_items).where(*where).values(quantity=quantity))
        return result.rowcount > 0

    def clear(self, cart_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(cart_items).where(cart_items.c.cart_id == cart_id))

    def _increment(self, cart_id: int, product_id: int, quantity: int) -> bool:
        statement = (
            update(cart_items)
            .where(cart_items.c.cart_id == cart_id, cart_items.c.product_id == product_id)
            .values(quantity=cart_items.c.quantity + quantity)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).rowcount > 0

    def _find_cart(self, user_id: int) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(carts.c.id).where(carts.c.user_id == user_id)).scalar()


class CartApi:
    """HTTP handlers of the cart service."""

    def __init__(self, store: CartStore, *, auth: ServiceClient, catalog: ServiceClient) -> None:
        self.store = store
        self.auth = auth
        self.catalog = catalog

    def register(self, app: Flask) -> None:
        rule = app.add_url_rule
        rule("/cart", view_func=self.my_cart, methods=["GET"])
        rule("/carts/<cart_id>", view_func=self.get_cart, methods=["GET"])
        rule("/carts/<cart_id>/items", view_func=self.add_item, methods=["POST"])
        rule("/carts/<cart_id>/items", view_func=self.clear_items, methods=["DELETE"])
        rule("/carts/<cart_id>/items/<product_id>", view_func=self.set_item, methods=["PUT"])
        rule("/carts/<cart_id>/items/<product_id>", view_func=self.remove_item, methods=["DELETE"])

    def my_cart(self):
        user = authenticate_user(self.auth)
        return self._render(self.store.cart_for_user(user["id"]), user["id"])

    def get_cart(self, cart_id: str):
        user_id, cart = self._caller_and_cart(cart_id)
        return self._render(cart, user_id)

    def add_item(self, cart_id: str):
        user_id, cart = self._caller_and_cart(cart_id)
        body = json_body()
        product_id = get_int(body, "product_id", minimum=1)
        quantity = get_int(body, "quantity", minimum=1, maximum=1_000_000)
        fetch_product(self.catalog, product_id)  # 404 product_not_found for unknown products
        self.store.add(cart, product_id, quantity)
        return self._render(cart, user_id), 201

    def set_item(self, cart_id: str, product_id: str):
        user_id, cart = self._caller_and_cart(cart_id)
        quantity = get_int(json_body(), "quantity", minimum=0, maximum=1_000_000)
        parsed = parse_id(product_id)
        if parsed is None or not self.store.set_quantity(cart, parsed, quantity):
            raise _item_not_found(product_id)
        return self._render(cart, user_id)

    def remove_item(self, cart_id: str, product_id: str):
        user_id, cart = self._caller_and_cart(cart_id)
        parsed = parse_id(product_id)
        if parsed is None or not self.store.set_quantity(cart, parsed, 0):
            raise _item_not_found(product_id)
        return self._render(cart, user_id)

    def clear_items(self, cart_id: str):
        _user_id, cart = self._caller_and_cart(cart_id)
        self.store.clear(cart)
        return "", 204

    def _caller_and_cart(self, raw_cart_id: str) -> tuple[int, int]:
        user = authenticate_user(self.auth)
        return user["id"], self.store.owned_cart(raw_cart_id, user["id"])

    def _render(self, cart_id: int, user_id: int) -> dict:
        items = []
        currency = None
        for line in self.store.lines(cart_id):
            product = fetch_product(self.catalog, line.product_id)
            currency = currency or product["currency"]
            items.append(
                {
                    "product_id": line.product_id,
                    "sku": product["sku"],
                    "name": product["name"],
                    "quantity": line.quantity,
                    "unit_price_cents": product["price_cents"],
                    "line_total_cents": product["price_cents"] * line.quantity,
                }
            )
        return {
            "id": cart_id,
            "user_id": user_id,
            "items": items,
            "total_cents": sum(item["line_total_cents"] for item in items),
            "currency": currency or DEFAULT_CURRENCY,
        }
