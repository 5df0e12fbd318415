"""catalog service: products with prices and stock.

Reads are public; writes need the shared ``X-Service-Token``. Stock decrements
for several products happen all-or-nothing in one transaction using conditional
``UPDATE ... WHERE stock >= :quantity`` statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from shop.common.config import ServerSettings, env_str
from shop.common.db import create_db_engine, create_tables
from shop.common.errors import ApiError, invalid_request, not_found
from shop.common.security import require_service_token
from shop.common.validation import get_currency, get_int, get_str, json_body, parse_id, storable
from shop.common.web import create_base_app

metadata = MetaData()
products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("stock", Integer, nullable=False),
)


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    service_token: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("catalog"),
            service_token=env_str("SHOP_SERVICE_TOKEN"),
        )


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("catalog", engine)
    CatalogApi(engine, settings.service_token).register(app)
    return app


def product_json(row) -> dict:
    return {
        "id": row.id,
        "sku": row.sku,
        "name": row.name,
        "price_cents": row.price_cents,
        "currency": row.currency,
        "stock": row.stock,
    }


def _product_not_found(product_id) -> ApiError:
    return not_found("product_not_found", f"product {product_id} does not exist")


def _decrement_items(body: dict) -> list[tuple[int, int]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise invalid_request("'items' must be a non-empty list")
    parsed = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise invalid_request(f"'items[{index}]' must be an object")
        product_id = get_int(item, "product_id", minimum=1)
        quantity = get_int(item, "quantity", minimum=1)
        parsed.append((product_id, quantity))
    return parsed


class CatalogApi:
    """HTTP handlers of the catalog service."""

    def __init__(self, engine, service_token: str) -> None:
        self.engine = engine
        self.service_token = service_token

    def register(self, app: Flask) -> None:
        app.add_url_rule("/products", view_func=self.create_product, methods=["POST"])
        app.add_url_rule("/products", view_func=self.list_products, methods=["GET"])
        app.add_url_rule("/products/<product_id>", view_func=self.get_product, methods=["GET"])
        app.add_url_rule("/products/<product_id>/stock", view_func=self.set_stock, methods=["PUT"])
        app.add_url_rule("/stock/decrements", view_func=self.decrement_stock, methods=["POST"])

    def create_product(self):
        require_service_token(self.service_token)
        body = json_body()
        values = {
            "sku": get_str(body, "sku", max_length=64),
            "name": get_str(body, "name", max_length=200),
            "price_cents": get_int(body, "price_cents", minimum=0),
            "currency": get_currency(body, default="EUR"),
            "stock": get_int(body, "stock", minimum=0),
        }
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(products).values(**values)).inserted_primary_key[0]
        except IntegrityError:
            raise ApiError(409, "sku_taken", f"sku {values['sku']!r} already exists") from None
        return {"id": new_id, **values}, 201

    def list_products(self):
        query = select(products).order_by(products.c.id)
        sku = request.args.get("sku")
        text = request.args.get("q")
        if not all(storable(value) for value in (sku, text) if value is not None):
            return {"items": []}  # no product has such a sku or name
        if sku is not None:
            query = query.where(products.c.sku == sku)
        if text:
            query = query.where(func.lower(products.c.name).contains(text.lower(), autoescape=True))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {"items": [product_json(row) for row in rows]}

    def get_product(self, product_id: str):
        with self.engine.connect() as conn:
            return product_json(self._load(conn, product_id))

    def set_stock(self, product_id: str):
        require_service_token(self.service_token)
        stock = get_int(json_body(), "stock", minimum=0)
        with self.engine.begin() as conn:
            row = self._load(conn, product_id)
            conn.execute(update(products).where(products.c.id == row.id).values(stock=stock))
            return product_json(self._load(conn, row.id))

    def decrement_stock(self):
        require_service_token(self.service_token)
        items = _decrement_items(json_body())
        with self.engine.begin() as conn:  # any exception below rolls everything back
            for product_id, quantity in items:
                self._decrement_one(conn, product_id, quantity)
            ids = [product_id for product_id, _ in items]
            rows = conn.execute(select(products).where(products.c.id.in_(ids))).all()
        by_id = {row.id: row for row in rows}
        return {"items": [product_json(by_id[i]) for i in dict.fromkeys(ids)]}

    @staticmethod
    def _decrement_one(conn, product_id: int, quantity: int) -> None:
        result = conn.execute(
            update(products)
            .where(products.c.id == product_id, products.c.stock >= quantity)
            .values(stock=products.c.stock - quantity)
        )
        if result.rowcount == 1:
            return
        exists = conn.execute(select(products.c.id).where(products.c.id == product_id)).first()
        if exists is None:
            raise not_found("product_not_found", f"product {product_id} does not exist", product_id=product_id)
        raise ApiError(409, "out_of_stock", f"not enough stock for product {product_id}", product_id=product_id)

    @staticmethod
    def _load(conn, product_id):
        parsed = product_id if isinstance(product_id, int) else parse_id(product_id)
        row = None
        if parsed is not None:
            row = conn.execute(select(products).where(products.c.id == parsed)).first()
        if row is None:
            raise _product_not_found(product_id)
        return row
