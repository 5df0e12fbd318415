"""One exchange against a description (handoff/contracts/conformance.py), and coverage sums."""

from __future__ import annotations

import json

import pytest
import requests
from openapi_core import OpenAPI

from handoff.contracts.conformance import check_exchange
from handoff.contracts.coverage import ServiceCoverage, merge
from handoff.contracts.descriptions import operations
from handoff.http.client import Exchange

DESCRIPTION = {
    "openapi": "3.1.0",
    "info": {"title": "orders", "version": "1"},
    "servers": [{"url": "https://shop.example.com/api"}],
    "paths": {
        "/orders/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "the order",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["id", "total"],
                                    "properties": {"id": {"type": "integer"}, "total": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "4XX": {"description": "refused"},
                },
            }
        }
    },
}
API = OpenAPI.from_dict(DESCRIPTION)
BASE = "http://127.0.0.1:8003/api"  # the test address; the description's server is production


def exchange(method: str, url: str, status: int, body: object) -> Exchange:
    prepared = requests.Request(method, url).prepare()
    raw = requests.Response()
    raw.status_code = status
    raw._content = json.dumps(body).encode()
    raw.headers["Content-Type"] = "application/json"
    return Exchange("orders", method, url, {}, "", status=status, prepared=prepared, raw=raw)


def test_a_conforming_exchange_names_its_operation_and_status():
    found = check_exchange(API, exchange("GET", f"{BASE}/orders/3", 200, {"id": 3, "total": "4.50"}), BASE)
    assert (found.operation, found.status, found.violations) == ("GET /orders/{id}", "200", [])


def test_a_retyped_field_is_a_violation_with_its_pointer():
    found = check_exchange(API, exchange("GET", f"{BASE}/orders/3", 200, {"id": 3, "total": 4.5}), BASE)
    [violation] = found.violations
    assert (violation.part, violation.pointer, violation.promised) == ("response", "/total", "type: 'string'")
    assert violation.received == "4.5 is not of type 'string'"


def test_an_undeclared_status_and_an_unknown_path_are_violations():
    found = check_exchange(API, exchange("GET", f"{BASE}/orders/3", 500, {}), BASE)
    assert [v.received for v in found.violations] == ["status 500 is not declared"]
    unknown = check_exchange(API, exchange("GET", f"{BASE}/carts/3", 200, {}), BASE)
    assert unknown.operation is None and "declares no GET on a path matching /carts/3" in unknown.violations[0].received


def test_a_bad_request_refused_with_a_declared_4xx_is_a_negative_test():
    found = check_exchange(API, exchange("GET", f"{BASE}/orders/abc", 404, {"error": "not_found"}), BASE)
    assert found.status == "4XX" and found.violations == []
    assert [v.part for v in found.negative] == ["request"]


def test_coverage_counts_declared_statuses_and_adds_up_workers():
    declared = operations(API)
    assert declared == {"GET /orders/{id}": ["200", "4XX"]}
    first, second = ServiceCoverage.of(declared), ServiceCoverage.of(declared)
    first.record("GET /orders/{id}", "200", "GET /orders/{id} -> 200")
    second.record("GET /orders/{id}", "200", "GET /orders/{id} -> 200")
    second.record(None, "404", "GET /carts/3 -> 404")
    second.violations = 1
    merged = merge([{"orders": first}, {"orders": second}])["orders"]
    assert merged.operations == {"GET /orders/{id}": {"200": 2, "4XX": 0}}
    assert merged.undeclared == {"GET /carts/3 -> 404": 1}
    assert merged.summary("orders") == "orders: 1 of 1 operations, 1 of 2 responses exercised; 1 violation"


def test_a_request_outside_the_contract_that_the_service_accepted_is_a_violation():
    prepared = requests.Request("GET", f"{BASE}/orders/abc").prepare()  # id must be an integer
    accepted = exchange("GET", f"{BASE}/orders/abc", 200, {"id": 3, "total": "4.50"})
    accepted.prepared = prepared
    found = check_exchange(API, accepted, BASE)
    assert [(v.part, v.pointer) for v in found.violations] == [("request", "id")]
    assert found.negative == []


def test_a_description_that_does_not_answer_names_the_service_and_url(tmp_path):
    from handoff.contracts.descriptions import DescriptionError, load_description
    from handoff.run.processes import free_port

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(DescriptionError) as raised:
        load_description("orders", "/openapi.json", url, tmp_path, timeout=1.0)
    assert str(raised.value) == (
        f"services.orders.openapi = '/openapi.json': {url}/openapi.json does not answer (ConnectionError)"
    )
    (tmp_path / "orders.yaml").write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")  # no version
    with pytest.raises(DescriptionError, match=r"orders.yaml'?: not a valid OpenAPI description: "):
        load_description("orders", "orders.yaml", url, tmp_path, timeout=1.0)
