"""HTTP as the generic steps speak it: a request built step by step, sent by someone.

Each caller (``I``, or a named person) keeps their own cookies and credentials, so two
people can act in one scenario. Headers, query parameters and a body set before a
request apply to that request only; a caller's bearer token, basic auth and CSRF
cookie-to-header rule apply to every request they send.

The target of a request is a path of a named service, or an absolute URL a response
returned (checked to lie under the service's configured URL, see
:meth:`handoff.http.client.ServiceClient.url_for`); an absolute URL alone finds its
service among the configured ones. The last request is kept: it can be sent again, as
it was, by the same caller or by another.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Any

from requests.cookies import RequestsCookieJar

from handoff.http.client import ForeignUrl, Response, is_absolute, service_for_url, without_password
from handoff.run.test_run import TestRun

DEFAULT_CALLER = "I"


class NoResponseYet(LookupError):
    """A step checks a response before any request was sent."""


@dataclass
class Caller:
    name: str
    cookies: RequestsCookieJar = field(default_factory=RequestsCookieJar)
    headers: dict[str, str] = field(default_factory=dict)
    csrf: tuple[str, str] | None = None  # (cookie, header)

    def use_bearer_token(self, token: str) -> None:
        self.headers["Authorization"] = f"Bearer {token}"

    def use_basic_auth(self, user: str, password: str) -> None:
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.headers["Authorization"] = f"Basic {encoded}"

    def request_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.csrf:
            cookie, header = self.csrf
            value = self.cookies.get(cookie)
            if value is None:
                raise LookupError(
                    f"{self.name} has no {cookie!r} cookie to send back as the {header!r} header "
                    f"(cookies held: {', '.join(self.cookies.keys()) or 'none'})"
                )
            headers[header] = value
        return headers


@dataclass
class PendingRequest:
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    form: dict[str, str] | None = None


@dataclass
class SentRequest:
    caller: str
    method: str
    service: str
    path: str
    pending: PendingRequest


class HttpConversation:
    """The HTTP side of one scenario in the generic vocabulary."""

    def __init__(self, run: TestRun) -> None:
        self.run = run
        self.callers: dict[str, Caller] = {}
        self.pending = PendingRequest()
        self._last: SentRequest | None = None
        self._response: Response | None = None

    def caller(self, name: str = DEFAULT_CALLER) -> Caller:
        return self.callers.setdefault(name, Caller(name))

    def send(self, caller: str, method: str, service: str | None, path: str) -> Response:
        """Send the pending request to a service's path or absolute URL (``service`` None: found from the URL)."""
        if service is None:
            service = self.service_at(path)
        self.run.client(service).url_for(path)  # a foreign URL is refused before anything is kept or sent
        self._last = SentRequest(caller, method.upper(), service, path, self.pending)
        self.pending = PendingRequest()
        return self.resend()

    def service_at(self, url: str) -> str:
        """The configured service whose URL an absolute URL lies under."""
        if not is_absolute(url):
            raise ForeignUrl(
                f"{url!r} is not an absolute URL (http://host:port/...): name the service it goes to, "
                f"as in 'I send a GET request to orders \"{url}\"'"
            )
        name = service_for_url(url, self.run.service_urls)
        if name is None:
            configured = "; ".join(
                f"{service} = {without_password(base)}" for service, base in sorted(self.run.service_urls.items())
            )
            raise ForeignUrl(
                f"refused to send a request to {without_password(url)}: it lies under none of the configured "
                f"services' URLs ({configured or 'no services configured'}). An absolute URL is sent only to "
                "the service whose configured URL it starts with (same scheme, host, port and path prefix)."
            )
        return name

    def send_again(self, caller: str | None = None) -> Response:
        """The last request again, with the same body and headers; by ``caller`` when given, else as before."""
        if self._last is None:
            raise NoResponseYet("no request has been sent in this scenario yet: there is no last request to send again")
        if caller is not None:
            self._last = replace(self._last, caller=caller)
        return self.resend()

    def resend(self) -> Response:
        """Send the last request again, as it was (polling for an eventual outcome)."""
        if self._last is None:
            raise NoResponseYet("no request has been sent in this scenario yet")
        sent = self._last
        caller = self.caller(sent.caller)
        for value in caller.headers.values():
            self.run.masker.add_for_scenario(value.split(" ", 1)[-1])
        self._response = self.run.client(sent.service).request(
            sent.method,
            sent.path,
            headers={**caller.request_headers(), **sent.pending.headers},
            params=sent.pending.params or None,
            json_body=sent.pending.json_body,
            data=sent.pending.form,
            cookies=caller.cookies,
        )
        return self._response

    @property
    def response(self) -> Response:
        if self._response is None:
            raise NoResponseYet("no response yet: send a request first, e.g. 'When I send a GET request to ...'")
        return self._response

    @property
    def last_caller(self) -> Caller:
        return self.caller(self._last.caller if self._last else DEFAULT_CALLER)
