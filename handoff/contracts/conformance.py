"""One HTTP exchange held against a service's OpenAPI description.

openapi-core does the checking (path and method known, parameters, security, request
body, status declared, response headers, content type and body); this module runs it
on an exchange the run recorded and turns each error into a :class:`Violation` that says
what the description promises, what came, and where (the operation, a JSON pointer).

A request outside the contract that the service rightly refused (a declared 4xx, such
as a scenario sending a bad body on purpose to see the 400) is a *negative test*, not a
violation: it is kept, and shown, as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.responses.exceptions import ResponseNotFound

from handoff.http.client import Exchange


@dataclass(frozen=True)
class Violation:
    """One way an exchange breaks the description."""

    service: str
    operation: str  # "GET /orders/{id}", or the method and path that match none
    part: str  # "request" or "response"
    pointer: str  # a JSON pointer into the body ("/items/0/price"), or the header, parameter or "" for the whole
    promised: str  # what the description says
    received: str  # what came

    def describe(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        return f"{self.operation}: {self.part}{where}: {self.received} (the description: {self.promised})"


@dataclass
class Conformance:
    """What one exchange did to the contract: the operation it exercised, and what broke."""

    service: str
    operation: str | None  # None: the description has no such path and method
    status: str  # the answered status as declared ("200", "4XX", "default"), or the bare status if undeclared
    violations: list[Violation] = field(default_factory=list)
    negative: list[Violation] = field(default_factory=list)  # request errors the service rightly refused


def check_exchange(api: OpenAPI, exchange: Exchange, base_url: str) -> Conformance:
    """Check a recorded exchange (with its request and response objects) against ``api``."""
    request = _Request(RequestsOpenAPIRequest(exchange.prepared), base_url, _first_server(api))
    status = str(exchange.status)
    operation = _operation(api, request)
    if operation is None:
        label = f"{request.method.upper()} {request.relative}"
        violation = Violation(
            exchange.service,
            label,
            "request",
            "",
            "no such operation",
            f"the description declares no {request.method.upper()} on a path matching {request.relative}",
        )
        return Conformance(exchange.service, None, status, [violation])
    found = Conformance(exchange.service, operation, _declared_status(api, operation, status) or status)
    request_errors = [_violation(exchange.service, operation, "request", e) for e in api.iter_request_errors(request)]
    if exchange.raw is None:  # a transport error: no answer to check
        found.violations += request_errors
        return found
    refused = exchange.status is not None and 400 <= exchange.status < 500
    if request_errors and refused and _declared_status(api, operation, status):
        found.negative = request_errors
    else:
        found.violations += request_errors
    response = RequestsOpenAPIResponse(exchange.raw)
    found.violations += [
        _violation(exchange.service, operation, "response", e) for e in api.iter_response_errors(request, response)
    ]
    return found


class _Request:
    """openapi-core's view of a request, as the description's servers see it.

    A description's ``servers`` often name production hosts, while the run talks to a
    test address. The part of the URL after the service's configured base URL is what
    the description's paths describe; with an absolute first server, the request is
    presented at that server, so openapi-core matches it there.
    """

    def __init__(self, request: RequestsOpenAPIRequest, base_url: str, server: str | None) -> None:
        self._request = request
        self.parameters = request.parameters
        base_path = urlsplit(base_url).path.rstrip("/")
        path = request.path
        relative = path[len(base_path) :] if base_path and path.startswith(base_path) else path
        self.relative = relative  # as the service's configured URL sees it, for messages
        self.host_url, self.path = request.host_url, relative
        if server and "://" in server:
            parts = urlsplit(server)
            prefix = parts.path.rstrip("/")
            self.host_url = f"{parts.scheme}://{parts.netloc}"
            self.path = relative if relative.startswith(prefix + "/") else prefix + relative

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def body(self):
        return self._request.body

    @property
    def content_type(self) -> str:
        return self._request.content_type


def _first_server(api: OpenAPI) -> str | None:
    servers = api.spec / "servers"
    return str((servers / 0 / "url").read_value()) if "servers" in api.spec and len(servers.read_value()) else None


def _operation(api: OpenAPI, request: _Request) -> str | None:
    try:
        found = APICallPathFinder(api.spec).find(request.method, request.host_url + request.path)
    except (PathNotFound, OperationNotFound, ServerNotFound):
        return None
    return f"{request.method.upper()} {found.path.parts[-1]}"


def _declared_status(api: OpenAPI, operation: str, status: str) -> str | None:
    """The key of the declared response an answer falls under: "404", then "4XX", then "default"."""
    method, path = operation.split(" ", 1)
    responses = api.spec / "paths" / path / method.lower() / "responses"
    for key in (status, f"{status[0]}XX", "default"):
        if key in responses:
            return key
    return None


def _violation(service: str, operation: str, part: str, error: Exception) -> Violation:
    if isinstance(error, ResponseNotFound):
        undeclared = f"status {error.http_status} is not declared"
        return Violation(service, operation, part, "", "a declared status", undeclared)
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        first = schema_errors[0]
        pointer = "/" + "/".join(str(p) for p in first.absolute_path) if first.absolute_path else "/"
        more = f" (and {len(schema_errors) - 1} more)" if len(schema_errors) > 1 else ""
        promised = f"{first.validator}: {_short(first.validator_value)}"
        return Violation(service, operation, part, pointer, promised, first.message + more)
    name = getattr(error, "name", "")  # a parameter or header
    detail = str(cause) if cause is not None and str(cause) else str(error)
    return Violation(service, operation, part, name, type(error).__name__, detail)


def _short(value: object, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
