"""orders service: ``POST /checkout`` and the user's order history.

Checkout is idempotent per (user, ``Idempotency-Key``): the final response of a
checkout that created an order is stored and replayed with
``Idempotent-Replayed: true``. See :mod:`shop.orders.checkout` for the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request

from shop.common.config import ServerSettings, env_float, env_int, env_str, env_url
from shop.common.db import create_db_engine, create_tables
from shop.common.errors import ApiError, invalid_request, not_found
from shop.common.http import ServiceClient
from shop.common.security import authenticate_user
from shop.common.validation import get_card_number, json_body, storable
from shop.common.web import correlation_id, create_base_app, on_shutdown
from shop.orders.checkout import Checkout
from shop.orders.mailer import Mailer
from shop.orders.outbox import OutboxRelay
from shop.orders.payments import PaymentGateway
from shop.orders.store import IdempotencyStore, OrderStore, metadata, outbox_events

IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    auth_url: str
    cart_url: str
    catalog_url: str
    gateway_url: str
    gateway_api_key: str
    gateway_timeout_seconds: float
    smtp_host: str
    smtp_port: int
    mail_from: str
    service_token: str
    broker_url: str = ""  # "" : no broker, the confirmation email is sent by this service

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            server=ServerSettings.from_env("orders"),
            auth_url=env_url("SHOP_AUTH_URL"),
            cart_url=env_url("SHOP_CART_URL"),
            catalog_url=env_url("SHOP_CATALOG_URL"),
            gateway_url=env_url("SHOP_GATEWAY_URL"),
            gateway_api_key=env_str("SHOP_GATEWAY_API_KEY"),
            gateway_timeout_seconds=env_float("SHOP_GATEWAY_TIMEOUT_SECONDS", 2.0, minimum=0.1),
            smtp_host=env_str("SHOP_SMTP_HOST", "127.0.0.1"),
            smtp_port=env_int("SHOP_SMTP_PORT", minimum=1, maximum=65535),
            mail_from=env_str("SHOP_MAIL_FROM", "shop@example.test"),
            service_token=env_str("SHOP_SERVICE_TOKEN"),
            broker_url=env_str("SHOP_BROKER_URL", ""),
        )


def create_app(settings: Settings) -> Flask:
    engine = create_db_engine(settings.server.database_url)
    create_tables(engine, metadata)
    app = create_base_app("orders", engine)
    orders = OrderStore(engine)
    catalog = ServiceClient("catalog", settings.catalog_url, service_token=settings.service_token)
    cart = ServiceClient("cart", settings.cart_url)
    gateway = PaymentGateway(
        ServiceClient("gateway", settings.gateway_url),
        settings.gateway_api_key,
        settings.gateway_timeout_seconds,
    )
    relay = None
    if settings.broker_url:
        relay = OutboxRelay(engine, outbox_events, settings.broker_url).start()
        on_shutdown(app, relay.stop)
    checkout = Checkout(
        orders=orders,
        cart=cart,
        catalog=catalog,
        gateway=gateway,
        mailer=Mailer(settings.smtp_host, settings.smtp_port, settings.mail_from),
        events_published=relay.notify if relay else None,
    )
    # A duplicate request waits for the first one: at most a gateway timeout plus slack.
    idempotency = IdempotencyStore(engine, wait_seconds=settings.gateway_timeout_seconds + 15)
    OrdersApi(orders, idempotency, checkout, ServiceClient("auth", settings.auth_url)).register(app)
    return app


def _idempotency_key() -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_required", f"the {IDEMPOTENCY_HEADER} header is required")
    if len(key) > 255:
        raise invalid_request(f"the {IDEMPOTENCY_HEADER} header must be at most 255 characters")
    return key


class OrdersApi:
    """HTTP handlers of the orders service."""

    def __init__(
        self,
        orders: OrderStore,
        idempotency: IdempotencyStore,
        checkout: Checkout,
        auth: ServiceClient,
    ) -> None:
        self.orders = orders
        self.idempotency = idempotency
        self.checkout_flow = checkout
        self.auth = auth

    def register(self, app: Flask) -> None:
        app.add_url_rule("/checkout", view_func=self.checkout, methods=["POST"])
        app.add_url_rule("/orders", view_func=self.list_orders, methods=["GET"])
        app.add_url_rule("/orders/<order_id>", view_func=self.get_order, methods=["GET"])

    def checkout(self):
        user = authenticate_user(self.auth)
        key = _idempotency_key()
        stored = self.idempotency.claim_or_replay(user["id"], key)
        if stored is not None:
            return stored.body, stored.status_code, {"Idempotent-Replayed": "true"}
        try:
            status, order = self.checkout_flow.run(
                user=user,
                authorization=request.headers["Authorization"],
                card_number=get_card_number(json_body()),
                idempotency_key=key,
                correlation_id=correlation_id(),
            )
        except BaseException:
            # No order was created (bad input, empty cart, no stock, ...): free the key.
            self.idempotency.release(user["id"], key)
            raise
        self.idempotency.complete(user["id"], key, status, order)
        return order, status

    def list_orders(self):
        user = authenticate_user(self.auth)
        return {"items": self.orders.for_user(user["id"])}

    def get_order(self, order_id: str):
        user = authenticate_user(self.auth)
        order = self.orders.get(order_id, user_id=user["id"]) if storable(order_id) else None
        if order is None:
            raise not_found("order_not_found", f"order {order_id} does not exist")
        return order
