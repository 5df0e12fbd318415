"""HTTP that services exchanged with each other, seen by a proxy, as an :class:`Exchange` of the run.

Such an exchange goes to the same listeners as the test's own requests (the report's
attachments, the API contracts), so that a call from one service to another is checked
against the called service's description and shown under the step during which it
happened. ``observed`` names the proxy it passed through.
"""

from __future__ import annotations

import requests
from requests.structures import CaseInsensitiveDict

from handoff.faults.http_tap import ObservedHttp
from handoff.http.client import Exchange


def exchange_from(observed: ObservedHttp, service: str, base_url: str, proxy: str) -> Exchange:
    """The exchange as if sent to ``service`` at its configured ``base_url`` (the proxy forwards there)."""
    url = base_url.rstrip("/") + observed.target
    prepared = requests.PreparedRequest()
    prepared.method = observed.method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(observed.request_headers)
    prepared.body = observed.request_body or None
    raw = requests.Response()
    raw.status_code = observed.status
    raw.reason = observed.reason
    raw.headers = CaseInsensitiveDict(observed.response_headers)
    raw._content = observed.response_body
    raw.url = url
    raw.encoding = requests.utils.get_encoding_from_headers(raw.headers) or "utf-8"
    return Exchange(
        service=service,
        method=observed.method,
        url=url,
        request_headers=dict(observed.request_headers),
        request_body=observed.request_body.decode("utf-8", errors="replace"),
        status=observed.status,
        reason=observed.reason,
        response_headers=dict(observed.response_headers),
        response_body=raw.text,
        elapsed_ms=observed.elapsed_ms,
        started_at=observed.started_at,
        prepared=prepared,
        raw=raw,
        observed=f"between services, through the proxy {proxy!r}",
    )
