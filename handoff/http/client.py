"""The run's HTTP client: one pooled ``requests.Session``, a timeout on every call,
and a record of every exchange for the report and for failure messages.

Transport problems become :class:`ServiceUnreachable` or :class:`ServiceTimeout`,
which name the service and the URL, so a broken environment reads as one.

A request to a named service takes a path (``/orders/3``) or an absolute URL that an
API returned (hypermedia: ``http://host:8080/api/orders/3``). An absolute URL is sent
only when it lies under that service's configured URL (same scheme, host and port, and
the configured path prefix); any other is refused with :class:`ForeignUrl`, never sent.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.cookies import RequestsCookieJar

from handoff.http.reads import tracked
from handoff.report.masking import Masker

BODY_PREVIEW_LIMIT = 4000


class ServiceUnreachable(Exception):
    """A service did not accept the connection (down, wrong URL, wrong port)."""


class ServiceTimeout(Exception):
    """A service accepted the request but did not answer in time."""


class ForeignUrl(ValueError):
    """An absolute URL that does not lie under the configured URL of the service it would go to."""


@dataclass
class Exchange:
    """One request and its response (or the transport error that replaced it)."""

    service: str
    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: str
    status: int | None = None
    reason: str = ""
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: str = ""
    elapsed_ms: float = 0.0
    error: str = ""
    started_at: float = 0.0
    # What requests sent and received, for checks that read them (API contracts)
    prepared: Any = field(default=None, repr=False, compare=False)  # requests.PreparedRequest
    raw: Any = field(default=None, repr=False, compare=False)  # requests.Response; None after a transport error
    # Not the test's own request: a call between services a proxy saw (handoff/http/observed.py)
    observed: str = ""
    # The JSON pointers of the response body the scenario read (handoff/http/reads.py); None: not tracked
    reads: set[str] | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        outcome = f"{self.status} {self.reason}".strip() if self.status else self.error
        return f"{self.method} {self.url} -> {outcome} ({self.elapsed_ms:.0f} ms)"

    def describe(self, masker: Masker, limit: int = BODY_PREVIEW_LIMIT) -> str:
        """The exchange as text, secrets masked and bodies capped."""
        lines = [f"{self.method} {masker.mask(self.url)}"]
        lines += [f"{k}: {v}" for k, v in masker.mask_headers(self.request_headers).items()]
        if self.request_body:
            lines += ["", cap(masker.mask(self.request_body), limit)]
        lines.append("")
        if self.status is None:
            lines.append(f"-> {self.error} after {self.elapsed_ms:.0f} ms")
            return "\n".join(lines)
        lines.append(f"-> {self.status} {self.reason} ({self.elapsed_ms:.1f} ms)")
        lines += [f"{k}: {v}" for k, v in masker.mask_headers(self.response_headers).items()]
        if self.response_body:
            lines += ["", cap(masker.mask(pretty_json(self.response_body)), limit)]
        return "\n".join(lines)


class Response:
    """A received response: status, headers and body, plus the exchange behind it."""

    def __init__(self, raw: requests.Response, exchange: Exchange) -> None:
        self.status = raw.status_code
        self.headers = raw.headers
        self.text = raw.text
        self.exchange = exchange
        self._json: Any = _UNSET

    def json(self) -> Any:
        if self._json is _UNSET:
            try:
                self._json = json.loads(self.text) if self.text else None
                if self.exchange.reads is not None:
                    self._json = tracked(self._json, self.exchange.reads)
            except ValueError:
                raise AssertionError(
                    f"expected a JSON body from {self.exchange.summary()}, got: {cap(self.text, 300)}"
                ) from None
        return self._json

    def field(self, name: str, default: Any = None) -> Any:
        body = self.json()
        return body.get(name, default) if isinstance(body, dict) else default


_UNSET = object()

ExchangeListener = Callable[[Exchange], None]


class HttpClient:
    """Sends requests for the whole run; tells listeners about each exchange."""

    def __init__(
        self,
        timeout: float,
        connect_timeout: float,
        verify: bool | str = True,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.timeout = (connect_timeout, timeout)
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or netrc from the machine: tests go direct
        # Cookies belong to the person acting, not to the run: callers pass their own jar.
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.session.verify = verify
        self.session.headers.update(default_headers or {})
        self.listeners: list[ExchangeListener] = []
        # Headers made anew for each request (the trace's traceparent, handoff/tracing); a caller's own win.
        self.header_providers: list[Callable[[], Mapping[str, str]]] = []

    def close(self) -> None:
        self.session.close()

    @contextlib.contextmanager
    def unrecorded(self) -> Iterator[list[Exchange]]:
        """Keep exchanges from the listeners (polling makes many); they are collected instead."""
        collected: list[Exchange] = []
        listeners, self.listeners = self.listeners, [collected.append]
        try:
            yield collected
        finally:
            self.listeners = listeners

    def record(self, exchange: Exchange) -> None:
        """Tell the listeners about an exchange after all (the last of a poll, say)."""
        self._notify(exchange)

    def request(
        self,
        service: str,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        cookies: RequestsCookieJar | None = None,
    ) -> Response:
        if self.header_providers:
            headers = {**{k: v for provide in self.header_providers for k, v in provide().items()}, **(headers or {})}
        request = requests.Request(method, url, headers=headers, json=json_body, data=data, params=params)
        request.cookies = cookies
        prepared = self.session.prepare_request(request)
        exchange = Exchange(
            service=service,
            method=method,
            url=prepared.url or url,
            request_headers=dict(prepared.headers),
            request_body=_text(prepared.body),
            started_at=time.time(),
            prepared=prepared,
        )
        read_timeout = self.timeout[1] if timeout is None else timeout
        started = time.perf_counter()
        try:
            raw = self.session.send(prepared, timeout=(self.timeout[0], read_timeout))
        except requests.Timeout as error:
            exchange.elapsed_ms = (time.perf_counter() - started) * 1000
            exchange.error = f"no answer within {read_timeout:g} s"
            self._notify(exchange)
            raise ServiceTimeout(
                f"service {service!r} did not answer {method} {without_password(exchange.url)} "
                f"within {read_timeout:g} s (http.timeout)"
            ) from error
        except requests.exceptions.SSLError as error:
            exchange.elapsed_ms = (time.perf_counter() - started) * 1000
            exchange.error = "TLS certificate not trusted"
            self._notify(exchange)
            raise ServiceUnreachable(tls_failure_message(service, without_password(exchange.url), error)) from error
        except requests.ConnectionError as error:
            exchange.elapsed_ms = (time.perf_counter() - started) * 1000
            exchange.error = "connection failed"
            self._notify(exchange)
            raise ServiceUnreachable(
                f"service {service!r} is unreachable at {without_password(exchange.url)}: {_root_cause(error)}"
            ) from error
        exchange.elapsed_ms = (time.perf_counter() - started) * 1000
        if cookies is not None:
            cookies.update(raw.cookies)
        exchange.status = raw.status_code
        exchange.reason = raw.reason or ""
        exchange.response_headers = dict(raw.headers)
        exchange.response_body = raw.text
        exchange.raw = raw
        self._notify(exchange)
        return Response(raw, exchange)

    def _notify(self, exchange: Exchange) -> None:
        """Every listener hears of every exchange; the first one's error (a failed check) is raised after."""
        first_error: Exception | None = None
        for listener in self.listeners:
            try:
                listener(exchange)
            except Exception as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error


class ServiceClient:
    """Requests to one named service: paths instead of URLs."""

    def __init__(self, http: HttpClient, name: str, base_url: str) -> None:
        self.http = http
        self.name = name
        self.base_url = base_url.rstrip("/")

    def url_for(self, target: str) -> str:
        """The URL for a path, or an absolute URL checked to lie under this service's URL."""
        if not is_absolute(target):
            return self.base_url + target
        if lies_under(target, self.base_url):
            return target
        raise ForeignUrl(
            f"refused to send a request to {without_password(target)}: it is not an address of service "
            f"{self.name!r}, whose configured URL is {without_password(self.base_url)} (services.{self.name}.url). "
            "An absolute URL is sent only to the service it lies under (same scheme, host, port and path prefix)."
        )

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        return self.http.request(self.name, method, self.url_for(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)


def is_absolute(target: str) -> bool:
    """``http://host/...`` or ``https://host/...`` rather than a path."""
    parts = urlsplit(target)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _origin_and_path(url: str) -> tuple[tuple[str, str, int | None], str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is no number: the URL matches no service
        port = None
    return (scheme, (parts.hostname or "").lower(), port), parts.path.rstrip("/")


def lies_under(url: str, base_url: str) -> bool:
    """Same scheme, host and port as ``base_url``, and a path at or below its path (on a ``/`` boundary)."""
    origin, path = _origin_and_path(url)
    base_origin, base_path = _origin_and_path(base_url)
    if origin != base_origin or origin[2] is None:
        return False
    return path == base_path or path.startswith(base_path + "/")


def service_for_url(url: str, service_urls: Mapping[str, str]) -> str | None:
    """The service whose configured URL an absolute URL lies under (the longest such URL), or None."""
    candidates = [name for name, base in service_urls.items() if lies_under(url, base)]
    return max(candidates, key=lambda name: len(service_urls[name].rstrip("/")), default=None)


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [cut: {len(text)} characters in all, first {limit} shown]"


def pretty_json(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return str(body)


def without_password(url: str) -> str:
    """The URL with the password of its user info (``user:password@``) replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def tls_failure_message(service: str, url: str, error: BaseException) -> str:
    """Why a service's TLS certificate was refused, and what to configure."""
    return (
        f"service {service!r} at {url}: its TLS certificate could not be verified ({_root_cause(error)}). "
        "If it is signed by your own certificate authority, set http.ca_bundle to that CA's PEM file "
        "(verification stays on; http.verify_tls = false switches it off)."
    )


def _root_cause(error: BaseException) -> str:
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    text = str(error)
    if "Connection refused" in text or isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return text or type(error).__name__
