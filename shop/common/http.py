"""HTTP client for calls from one service to another.

Every call has an explicit timeout, never uses proxies from the environment and
carries the current request's correlation id. Connection failures and timeouts
raise :class:`UpstreamUnavailable` (502).
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from flask import g, has_request_context

from shop.common.errors import ApiError
from shop.common.security import SERVICE_TOKEN_HEADER
from shop.common.web import CORRELATION_HEADER


class UpstreamUnavailable(ApiError):
    """Another service could not be reached or did not answer in time."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(502, "upstream_unavailable", f"{service} service is unavailable")
        self.reason = reason


class ServiceClient:
    """Calls the JSON API of one other service at ``base_url``."""

    def __init__(self, service: str, base_url: str, *, timeout: float = 5.0, service_token: str | None = None) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.service_token = service_token
        self._local = threading.local()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        authorization: str | None = None,
        as_service: bool = False,
        timeout: float | None = None,
    ) -> requests.Response:
        """Send a request; ``authorization`` forwards a user's header value verbatim."""
        all_headers = self._headers(authorization, as_service)
        all_headers.update(headers or {})
        try:
            return self._session().request(
                method,
                self.base_url + path,
                json=json,
                params=params,
                headers=all_headers,
                timeout=self.timeout if timeout is None else timeout,
            )
        except requests.RequestException as exc:
            raise UpstreamUnavailable(self.service, type(exc).__name__) from exc

    def unexpected(self, response: requests.Response) -> ApiError:
        """The error to raise when this service answered with an unexpected status."""
        return ApiError(
            502,
            "upstream_error",
            f"{self.service} service answered {response.status_code} unexpectedly",
        )

    def _headers(self, authorization: str | None, as_service: bool) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if has_request_context() and "correlation_id" in g:
            headers[CORRELATION_HEADER] = g.correlation_id
        if authorization:
            headers["Authorization"] = authorization
        if as_service and self.service_token:
            headers[SERVICE_TOKEN_HEADER] = self.service_token
        return headers

    def _session(self) -> requests.Session:
        # requests.Session is not documented as thread-safe: keep one per thread.
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # never route service calls through a proxy
            self._local.session = session
        return session
