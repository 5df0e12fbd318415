"""The JSON error type every service raises: ``{"error": code, "message": text}``."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as JSON with an HTTP status, a stable code and a message.

    ``extra`` fields (e.g. ``product_id``) are added to the response body.
    """

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


def invalid_request(message: str) -> ApiError:
    return ApiError(400, "invalid_request", message)


def not_found(code: str, message: str, **extra: Any) -> ApiError:
    return ApiError(404, code, message, **extra)
