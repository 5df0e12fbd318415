"""The embedded sample shop for the tests of its OpenAPI descriptions.

One session-wide run of the shop exactly as the sample suite starts it (config/local.toml:
each service a local process on a loopback port with its own SQLite file), plus a little
data made through the services' own APIs: a signed-in user, a product, a paid order and its
confirmation email. Schemathesis is given their ids, so that its requests reach the paths
where something exists, not only the 404s; the exchanges that made the data are kept, for
openapi-core to check them against the descriptions.
"""

from __future__ import annotations

import importlib
import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask

from handoff.config.settings import load_settings
from handoff.run.test_run import TestRun
from handoff.waiting import eventually

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0
APPROVED_CARD = "4242424242424242"


@dataclass(frozen=True)
class RunningShop:
    urls: dict[str, str]
    service_token: str
    gateway_api_key: str
    user_token: str
    ids: dict[str, list]  # what exists in the shop, by kind: carts, products, orders, messages
    exchanges: dict[str, list[requests.Response]]  # the answers that made the data, by service


@pytest.fixture(scope="session")
def shop(tmp_path_factory) -> Iterator[RunningShop]:
    reports = tmp_path_factory.mktemp("shop-run")
    # SHOP_OPENAPI_ENV=postgres runs the shop on PostgreSQL (HANDOFF_PG_URL names the server).
    env = os.environ.get("SHOP_OPENAPI_ENV", "local")
    server = {"HANDOFF_PG_URL": os.environ["HANDOFF_PG_URL"]} if "HANDOFF_PG_URL" in os.environ else {}
    settings = load_settings({"env": env, "run.reports_dir": str(reports)}, environ=server, project_dir=REPO)
    run = TestRun(settings)
    try:
        run.open()
        yield _with_data(run)
    finally:
        run.close()


def _with_data(run: TestRun) -> RunningShop:
    urls = dict(run.service_urls)
    service_token = run.secrets["shop_service_token"]
    by_url = {url: service for service, url in urls.items()}
    exchanges: dict[str, list[requests.Response]] = {service: [] for service in urls}
    with requests.Session() as http:
        http.trust_env = False

        def call(method: str, url: str, expected: int, **kwargs) -> dict:
            answer = http.request(method, url, timeout=TIMEOUT, **kwargs)
            exchanges[next(by_url[base] for base in by_url if url.startswith(base + "/"))].append(answer)
            assert answer.status_code == expected, (
                f"{method} {url}: expected {expected}, got {answer.status_code}: {answer.text}"
            )
            return answer.json() if answer.content else {}

        email = f"openapi-{secrets.token_hex(4)}@example.test"
        call("POST", urls["auth"] + "/users", 201, json={"email": email, "password": "a long password", "name": "Olga"})
        session = call("POST", urls["auth"] + "/sessions", 201, json={"email": email, "password": "a long password"})
        bearer = {"Authorization": f"Bearer {session['token']}"}
        product = call(
            "POST",
            urls["catalog"] + "/products",
            201,
            headers={"X-Service-Token": service_token},
            json={"sku": f"OA-{secrets.token_hex(4)}", "name": "OpenAPI mug", "price_cents": 1250, "stock": 100000},
        )
        cart = call("GET", urls["cart"] + "/cart", 200, headers=bearer)
        item = {"product_id": product["id"], "quantity": 2}
        call("POST", f"{urls['cart']}/carts/{cart['id']}/items", 201, headers=bearer, json=item)
        order = call(
            "POST",
            urls["orders"] + "/checkout",
            201,
            headers={**bearer, "Idempotency-Key": secrets.token_hex(8)},
            json={"card_number": APPROVED_CARD},
        )
        messages: dict = {}

        def confirmation_email() -> None:  # sent by the notifications service once orders announces the payment
            messages.update(call("GET", urls["mail"] + "/messages", 200, params={"to": email}))
            assert messages["items"], f"no confirmation email to {email} yet"

        eventually(confirmation_email, timeout=15)
        call("POST", f"{urls['cart']}/carts/{cart['id']}/items", 201, headers=bearer, json=item)  # a cart with a line
        api_key = {"Authorization": f"Bearer {run.secrets['gateway_api_key']}"}
        call("GET", urls["gateway"] + "/charges", 200, headers=api_key, params={"reference": order["id"]})
        call("GET", f"{urls['orders']}/orders/{order['id']}", 200, headers=bearer)
        call("GET", f"{urls['cart']}/carts/{cart['id']}", 200, headers=bearer)
        call("GET", urls["auth"] + "/me", 200, headers=bearer)
        call("GET", f"{urls['catalog']}/products/{product['id']}", 200)
        call("GET", f"{urls['mail']}/messages/{messages['items'][0]['id']}", 200)
    return RunningShop(
        urls=urls,
        service_token=service_token,
        gateway_api_key=run.secrets["gateway_api_key"],
        user_token=session["token"],
        ids={
            "carts": [cart["id"]],
            "products": [product["id"]],
            "orders": [order["id"]],
            "charges": [order["id"]],  # the gateway's reference of the order's charge
            "messages": [message["id"] for message in messages["items"]],
        },
        exchanges=exchanges,
    )


def create_app(service: str, tmp_path: Path, monkeypatch) -> Flask:
    """The service's app as its ``__main__`` builds it, from settings read from the environment."""
    with socket.socket() as probe:  # the mail sink's SMTP port: any free one
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    environment = {
        "SHOP_PORT": "1",
        "SHOP_DATABASE_URL": f"sqlite:///{tmp_path}/{service}.db",
        "SHOP_SERVICE_TOKEN": "token",
        "SHOP_AUTH_URL": "http://127.0.0.1:9",
        "SHOP_CATALOG_URL": "http://127.0.0.1:9",
        "SHOP_CART_URL": "http://127.0.0.1:9",
        "SHOP_GATEWAY_URL": "http://127.0.0.1:9",
        "SHOP_GATEWAY_API_KEY": "key",
        "GATEWAY_API_KEY": "key",
        "SHOP_SMTP_PORT": str(smtp_port),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    module = importlib.import_module(f"shop.{service}.app")
    return module.create_app(module.Settings.from_env())
