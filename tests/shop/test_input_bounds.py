"""Input the databases cannot hold is answered 400 or matches nothing, never a 500.

Schemathesis found these on the shop (shop/README.md, "What the databases hold"); PostgreSQL
refuses them where SQLite takes some, so they are checked here on the services' own rules (the
id and lookup cases fail only on PostgreSQL: SHOP_OPENAPI_ENV=postgres runs Schemathesis there).
"""

from __future__ import annotations

import json

import pytest

from shop.common.web import SHUTDOWN_HOOKS
from tests.shop.conftest import create_app

BEYOND_INTEGER = 2**31  # one more than PostgreSQL's integer holds
SERVICE_TOKEN = {"X-Service-Token": "token"}  # what create_app gives the catalog


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    app = create_app("catalog", tmp_path, monkeypatch)
    yield app.test_client()
    for hook in app.extensions.get(SHUTDOWN_HOOKS, []):
        hook()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"sku": "A-1", "name": "Mug", "price_cents": BEYOND_INTEGER, "stock": 1}, "'price_cents' must be <="),
        ({"sku": "A-1", "name": "Mug", "price_cents": 1, "stock": 2**65}, "'stock' must be <="),
        ({"sku": "A\x00", "name": "Mug", "price_cents": 1, "stock": 1}, "'sku' must be text without NUL"),
    ],
)
def test_a_body_the_database_cannot_hold_is_a_400(catalog, body, message):
    answer = catalog.post("/products", headers=SERVICE_TOKEN, json=body)
    assert (answer.status_code, answer.json["error"]) == (400, "invalid_request"), f"POST /products {body}"
    assert answer.json["message"].startswith(message), f"expected {message!r}..., got {answer.json['message']!r}"


def test_an_unpaired_surrogate_in_a_body_is_a_400(catalog):
    raw = '{"sku": "A-\\ud800", "name": "Mug", "price_cents": 1, "stock": 1}'  # valid JSON, not UTF-8 text
    answer = catalog.post("/products", headers=SERVICE_TOKEN, data=raw, content_type="application/json")
    assert (answer.status_code, answer.json["error"]) == (400, "invalid_request"), f"POST /products {raw}"


def test_an_id_beyond_the_integer_range_is_not_found(catalog):
    answer = catalog.get(f"/products/{BEYOND_INTEGER}")
    assert (answer.status_code, answer.json["error"]) == (404, "product_not_found")


def test_a_lookup_by_text_with_a_nul_finds_nothing(catalog):
    answer = catalog.get("/products", query_string={"sku": "A\x00", "q": "M\x00"})
    assert (answer.status_code, answer.json) == (200, {"items": []})


def test_a_password_with_an_unpaired_surrogate_is_a_400(tmp_path, monkeypatch):
    app = create_app("auth", tmp_path, monkeypatch)
    raw = json.dumps({"email": "a@example.test", "name": "A"})[:-1] + ', "password": "long enough \\udfff"}'
    answer = app.test_client().post("/users", data=raw, content_type="application/json")
    assert (answer.status_code, answer.json["error"]) == (400, "invalid_request"), f"POST /users {raw}"
