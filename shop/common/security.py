"""Authentication helpers: users via the auth service, services via a shared token."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from flask import request

from shop.common.errors import ApiError

if TYPE_CHECKING:
    from shop.common.http import ServiceClient

SERVICE_TOKEN_HEADER = "X-Service-Token"


def bearer_token() -> str | None:
    """The token from ``Authorization: Bearer <token>``, or None when absent."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def require_bearer_header() -> str:
    """The caller's ``Authorization`` header value; 401 ``missing_token`` without one."""
    if bearer_token() is None:
        raise ApiError(401, "missing_token", "an Authorization: Bearer token is required")
    return request.headers["Authorization"]


def authenticate_user(auth: ServiceClient) -> dict[str, Any]:
    """The calling user (``id``, ``email``, ``name``) as reported by auth's ``GET /me``.

    auth's 401 codes (``invalid_token``, ``token_expired``, ...) are passed through.
    """
    header = require_bearer_header()
    response = auth.request("GET", "/me", authorization=header)
    if response.status_code == 200:
        return response.json()
    if response.status_code == 401:
        body = _json_or_empty(response)
        raise ApiError(
            401,
            body.get("error", "invalid_token"),
            body.get("message", "the bearer token is not valid"),
        )
    raise auth.unexpected(response)


def require_service_token(expected: str) -> None:
    """401 ``service_token_required`` unless the request carries the shared service token."""
    given = request.headers.get(SERVICE_TOKEN_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "service_token_required", f"a valid {SERVICE_TOKEN_HEADER} header is required")


def _json_or_empty(response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
