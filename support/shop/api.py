"""HTTP calls to the sample shop's services, one method per business operation."""

from __future__ import annotations

from handoff.http.client import Response, ServiceClient, bearer
from handoff.run.test_run import TestRun
from support.money import Money

# The payment gateway sandbox decides the outcome by test card number; the numbers are
# the environment's test data ([data.cards] in config/<env>.toml).
CARDS_BY_PHRASE = {
    "an approved card": "approved",
    "a declined card": "declined",
    "a card with insufficient funds": "insufficient_funds",
    "a card the payment gateway is too slow for": "too_slow",
    "a card the payment gateway fails on": "server_error",
}
CARD_PHRASES = "|".join(CARDS_BY_PHRASE)


class ShopApi:
    def __init__(self, run: TestRun) -> None:
        self.auth: ServiceClient = run.client("auth")
        self.catalog: ServiceClient = run.client("catalog")
        self.cart: ServiceClient = run.client("cart")
        self.orders: ServiceClient = run.client("orders")
        self.service_token = run.secrets["shop_service_token"]
        self.cards = run.settings.get("data.cards")

    # auth
    def register(self, email: str, password: str, name: str) -> Response:
        return self.auth.post("/users", json_body={"email": email, "password": password, "name": name})

    def sign_in(self, email: str, password: str, expires_in: float | None = None) -> Response:
        body: dict = {"email": email, "password": password}
        if expires_in is not None:
            body["expires_in"] = expires_in
        return self.auth.post("/sessions", json_body=body)

    def who_am_i(self, token: str | None) -> Response:
        return self.auth.get("/me", headers=bearer(token))

    # catalog
    def add_product(self, sku: str, name: str, price: Money, stock: int) -> Response:
        body = {"sku": sku, "name": name, "price_cents": price.cents, "currency": price.currency, "stock": stock}
        return self.catalog.post("/products", json_body=body, headers=self._service())

    def set_stock(self, product_id: int, stock: int) -> Response:
        return self.catalog.put(f"/products/{product_id}/stock", json_body={"stock": stock}, headers=self._service())

    # cart
    def my_cart(self, token: str | None) -> Response:
        return self.cart.get("/cart", headers=bearer(token))

    def view_cart(self, token: str | None, cart_id: int) -> Response:
        return self.cart.get(f"/carts/{cart_id}", headers=bearer(token))

    def add_to_cart(
        self, token: str | None, cart_id: int, product_id: int, quantity: int, extra: dict | None = None
    ) -> Response:
        body = {"product_id": product_id, "quantity": quantity, **(extra or {})}
        return self.cart.post(f"/carts/{cart_id}/items", json_body=body, headers=bearer(token))

    def change_quantity(self, token: str | None, cart_id: int, product_id: int, quantity: int) -> Response:
        path = f"/carts/{cart_id}/items/{product_id}"
        return self.cart.put(path, json_body={"quantity": quantity}, headers=bearer(token))

    def remove_from_cart(self, token: str | None, cart_id: int, product_id: int) -> Response:
        return self.cart.delete(f"/carts/{cart_id}/items/{product_id}", headers=bearer(token))

    # orders
    def check_out(self, token: str | None, card_number: str, idempotency_key: str) -> Response:
        headers = {**bearer(token), "Idempotency-Key": idempotency_key}
        return self.orders.post("/checkout", json_body={"card_number": card_number}, headers=headers)

    def view_order(self, token: str | None, order_id: str) -> Response:
        return self.orders.get(f"/orders/{order_id}", headers=bearer(token))

    def card_number(self, phrase: str) -> str:
        return self.cards[CARDS_BY_PHRASE[phrase]]

    def _service(self) -> dict[str, str]:
        return {"X-Service-Token": self.service_token}
