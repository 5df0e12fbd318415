"""The shop's OpenAPI descriptions hold true against the services themselves.

Each service describes its HTTP API in ``shop/<service>/openapi.json`` (shared parts in
``shop/common/openapi.json``) and serves it at ``GET /openapi.json``. These tests check that

- every description is a valid OpenAPI 3.1 document (openapi-spec-validator), on disk and as served;
- the routes each Flask app registers are exactly the paths and methods its description declares;
- openapi-core finds the exchanges that made the test data (sign-up, sign-in, product, cart,
  checkout, charge, email) valid, requests and responses;
- Schemathesis, sending generated requests (valid and invalid ones) to the running service with a
  real sign-in, finds every answer declared: its status code, its content type, its headers and
  its body's schema, and never a server error the description does not declare.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_spec_validator import validate

from shop.common.openapi import description_path, load_description
from shop.common.web import SHUTDOWN_HOOKS
from tests.shop.conftest import RunningShop, create_app

SERVICES = ["auth", "catalog", "cart", "orders", "gateway", "mail"]
# Services whose HTTP API is for operations only (health, this description): their work comes from the broker.
OPERATIONS_ONLY = ["notifications"]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Every response is checked for these. "not_a_server_error" fails on a 5xx the operation does not declare
# (a declared one, such as the gateway's 502 or the sandbox's 504, is the status check's business).
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
]
MAX_EXAMPLES = 10
SCHEMATHESIS_TIMEOUT = 120.0
# Which parameters Schemathesis also fills, half of the time, with ids that exist in the shop.
EXISTING_IDS = {
    "catalog": {"path.product_id": "products", "body.items[*].product_id": "products"},
    "cart": {"path.cart_id": "carts", "path.product_id": "products", "body.product_id": "products"},
    "orders": {"path.order_id": "orders"},
    "gateway": {"query.reference": "charges"},
    "mail": {"path.message_id": "messages"},
}
# Operations that answer a repeated Idempotency-Key with the stored answer before they read the
# body (by design: the body of a replay is ignored). Schemathesis repeats short keys ("0"), so a
# body the schema forbids may get a replayed 201 or 402: negative_data_rejection does not apply.
REPLAYING_OPERATIONS = {"orders": "checkout", "gateway": "createCharge"}


@pytest.mark.parametrize("service", [*SERVICES, *OPERATIONS_ONLY, "common"])
def test_the_description_on_disk_is_valid_openapi_3_1(service):
    path = description_path(service)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1."), f"{path}: openapi is {document['openapi']!r}, expected 3.1.x"
    validate(document, base_uri=path.as_uri())  # resolves the references to ../common/openapi.json


@pytest.mark.parametrize("service", SERVICES)
def test_the_served_description_is_self_contained_and_valid(service):
    document = load_description(service)
    references = re.findall(r'"\$ref": "([^"#][^"]*)"', json.dumps(document))
    assert references == [], f"{service}: references to other files left in the served description: {references}"
    validate(document)
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    assert len(operation_ids) == len(set(operation_ids)), f"{service}: operationIds are not unique: {operation_ids}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_serves_its_description(shop: RunningShop, service):
    url = shop.urls[service] + "/openapi.json"
    answer = requests.get(url, timeout=5)
    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "application/json"), f"GET {url}"
    assert answer.json() == load_description(service), f"GET {url} is not {description_path(service)}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_routes_the_service_registers_are_the_ones_described(service, tmp_path, monkeypatch):
    app = create_app(service, tmp_path, monkeypatch)
    try:
        registered = sorted(
            (_openapi_path(rule.rule), method.lower())
            for rule in app.url_map.iter_rules()
            for method in rule.methods - _automatic_methods(rule)
        )
    finally:
        for hook in app.extensions.get(SHUTDOWN_HOOKS, []):
            hook()
    described = sorted(
        (path, method)
        for path, item in load_description(service)["paths"].items()
        for method in item
        if method in HTTP_METHODS
    )
    undeclared = sorted(set(registered) - set(described))
    missing = sorted(set(described) - set(registered))
    assert (undeclared, missing) == ([], []), (
        f"{service}: routes registered but not described: {undeclared}; described but not registered: {missing}"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_core_finds_real_exchanges_valid(shop: RunningShop, service):
    """The exchanges that made the test data (sign-up to paid order) pass openapi-core's validation."""
    openapi = OpenAPI.from_dict(load_description(service))
    exchanges = shop.exchanges[service]
    assert exchanges, f"no exchanges with {service} were recorded"
    for answer in exchanges:
        request = RequestsOpenAPIRequest(answer.request)
        exchange = f"{answer.request.method} {answer.request.url} -> {answer.status_code} {answer.text[:300]}"
        request_errors = [str(error) for error in openapi.iter_request_errors(request)]
        response_errors = [
            str(error) for error in openapi.iter_response_errors(request, RequestsOpenAPIResponse(answer))
        ]
        assert (request_errors, response_errors) == ([], []), f"{service}: {exchange}"


@pytest.fixture(scope="session")
def schemathesis_runs(shop: RunningShop, tmp_path_factory) -> Iterator[dict[str, tuple[subprocess.Popen, Path]]]:
    """Schemathesis against every service at once, each run's output in a file of its own.

    The services are independent of each other's data here, so the six runs go side by side
    and take about as long as the slowest one.
    """
    runs: dict[str, tuple[subprocess.Popen, Path]] = {}
    try:
        for service in SERVICES:
            folder = tmp_path_factory.mktemp(f"schemathesis-{service}")
            (folder / "schemathesis.toml").write_text(_schemathesis_config(shop, service))
            output = folder / "output.txt"
            with output.open("w") as sink:
                process = subprocess.Popen(
                    _schemathesis_command(shop, service, folder / "schemathesis.toml"),
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=folder,
                )
            runs[service] = (process, output)
        yield runs
    finally:
        for process, _output in runs.values():
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_finds_every_answer_described(schemathesis_runs, service):
    process, output = schemathesis_runs[service]
    try:
        exit_code = process.wait(timeout=SCHEMATHESIS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(
            f"Schemathesis against {service} did not end within {SCHEMATHESIS_TIMEOUT:g} s:\n"
            f"{output.read_text()[-6000:]}"
        )
    assert exit_code == 0, (
        f"Schemathesis found answers of {service} that its description ({description_path(service)}) "
        f"does not declare (exit code {exit_code}):\n{output.read_text()[-12000:]}"
    )


def _schemathesis_command(shop: RunningShop, service: str, config: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"{shop.urls[service]}/openapi.json",
        "--max-examples",
        os.environ.get("SHOP_OPENAPI_MAX_EXAMPLES", str(MAX_EXAMPLES)),
        # Not the stateful phase: with the links it infers, Schemathesis 4.32 puts integers in
        # headers and then fails to send them (a "Network Error" of its own making).
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        os.environ.get("SHOP_OPENAPI_SEED", "1"),
        "--generation-database",
        "none",
        "--request-timeout",
        "5",
        "--workers",
        "1",
        "--no-color",
        *[part for header in _auth_headers(shop, service) for part in ("--header", header)],
    ]


def _auth_headers(shop: RunningShop, service: str) -> list[str]:
    if service in ("auth", "cart", "orders"):
        return [f"Authorization: Bearer {shop.user_token}"]
    if service == "catalog":
        return [f"X-Service-Token: {shop.service_token}"]
    if service == "gateway":
        return [f"Authorization: Bearer {shop.gateway_api_key}"]
    return []


def _schemathesis_config(shop: RunningShop, service: str) -> str:
    bindings = EXISTING_IDS.get(service, {})
    # The checks are chosen here, not with --checks: checks named on the command line would win
    # over the per-operation exception below.
    lines = ["[checks]", "enabled = false", *[f"{check}.enabled = true" for check in CHECKS], ""]
    for kind in sorted(set(bindings.values())):
        lines += [f"[dictionaries.{kind}]", f"values = {json.dumps(shop.ids[kind])}", ""]
    if bindings:
        lines.append("[parameters]")
        lines += [f'"{key}" = {{ dictionary = "{kind}", probability = 0.5 }}' for key, kind in bindings.items()]
    for operation_id, server_errors in _declared_server_errors(service).items():
        overrides = []
        if server_errors:  # a 5xx the description declares (a gateway's failure, say) is no bug here
            statuses = ["2xx", "3xx", "4xx", *server_errors]
            overrides.append(f"checks.not_a_server_error.expected-statuses = {json.dumps(statuses)}")
        if REPLAYING_OPERATIONS.get(service) == operation_id:
            overrides.append("checks.negative_data_rejection.enabled = false")
        if overrides:
            lines += ["", "[[operations]]", f'include-operation-id = "{operation_id}"', *overrides]
    return "\n".join(lines) + "\n"


def _declared_server_errors(service: str) -> dict[str, list[str]]:
    """Each operation's declared 5xx status codes, by operationId."""
    return {
        operation["operationId"]: sorted(code for code in operation["responses"] if code.startswith("5"))
        for item in load_description(service)["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def _openapi_path(flask_rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", flask_rule)


def _automatic_methods(rule) -> set[str]:
    """HEAD and OPTIONS, which Flask answers on its own for every GET route and every route."""
    automatic = {"OPTIONS"} if rule.provide_automatic_options else set()
    return automatic | ({"HEAD"} if "GET" in rule.methods else set())
