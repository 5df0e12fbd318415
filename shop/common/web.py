"""Flask application factory shared by all services.

Adds OpenTelemetry tracing when the run asks for it (shop/common/telemetry.py),
correlation ids, one log line per request, JSON error handling (including
404/405 for unknown routes), ``GET /health`` and ``GET /openapi.json`` (the service's
OpenAPI description, ``shop/<service>/openapi.json``: see :mod:`shop.common.openapi`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from flask import Flask, Response, g, jsonify, request
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from shop.common.db import ping
from shop.common.errors import ApiError
from shop.common.openapi import load_description
from shop.common.telemetry import instrument

CORRELATION_HEADER = "X-Correlation-Id"
_VALID_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HTTP_ERROR_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}

SHUTDOWN_HOOKS = "shop.shutdown_hooks"

request_log = logging.getLogger("shop.request")
error_log = logging.getLogger("shop.error")


def create_base_app(service: str, engine: Engine) -> Flask:
    """A Flask app with the shared hooks, error handlers, health route and OpenAPI description."""
    # No static folder: Flask would otherwise add GET /static/<path:filename>, which only ever answers 404.
    app = Flask(f"shop.{service}", static_folder=None)
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)

    def health():
        try:
            ping(engine)
        except Exception as exc:
            error_log.warning("health check failed: %s", type(exc).__name__)
            raise ApiError(503, "unavailable", "database is not ready") from None
        return {"status": "ok", "service": service}

    app.add_url_rule("/health", view_func=health, methods=["GET"])
    description = load_description(service)  # read once: a missing or broken file stops the start

    def openapi():
        return jsonify(description)

    app.add_url_rule("/openapi.json", view_func=openapi, methods=["GET"])
    on_shutdown(app, engine.dispose)
    tracer_provider = instrument(app, engine, service)
    if tracer_provider is not None:
        on_shutdown(app, tracer_provider.shutdown)  # sends the last batch of spans before the exit
    return app


def on_shutdown(app: Flask, hook: Callable[[], None]) -> None:
    """Run ``hook`` after the HTTP server has stopped (e.g. to stop an SMTP server)."""
    app.extensions.setdefault(SHUTDOWN_HOOKS, []).append(hook)


def correlation_id() -> str:
    """The current request's correlation id."""
    return g.correlation_id


def _start_request() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get(CORRELATION_HEADER, "")
    g.correlation_id = incoming if _VALID_CORRELATION_ID.match(incoming) else uuid.uuid4().hex


def _finish_request(response: Response) -> Response:
    cid = g.get("correlation_id") or "-"
    response.headers[CORRELATION_HEADER] = cid
    duration_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    request_log.info(
        "method=%s path=%s status=%d duration_ms=%.1f correlation_id=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        cid,
    )
    return response


def _api_error(exc: ApiError):
    return jsonify(exc.body()), exc.status


def _http_error(exc: HTTPException):
    status = exc.code or 500
    code = _HTTP_ERROR_CODES.get(status, "http_error")
    message = f"no route for {request.method} {request.path}" if status == 404 else exc.description or exc.name
    response = jsonify({"error": code, "message": message})
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response, status


def _unexpected_error(exc: Exception):
    error_log.exception("unhandled error on %s %s", request.method, request.path)
    return jsonify({"error": "internal_error", "message": "internal server error"}), 500
