"""Reading the HTTP a proxy forwards, without touching it: the calls services make to each other.

A :class:`HttpTap` is fed the bytes of one proxied connection as they pass, both ways,
and parses them with h11 (a well-kept HTTP/1.1 parser, the one httpx and uvicorn use):
each request with the response that answered it becomes an :class:`ObservedHttp`. It
only reads: the proxy forwards every byte as before, and a connection the tap cannot
make sense of (not HTTP/1.1, a body too large to keep) is simply no longer read.

h11 is a protocol state machine for one side of a connection; a tap is neither side, so
it drives two: a server-side one that reads the requests, a client-side one that reads
the responses, each told of what the other saw so that both stay in step.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import h11

MAX_BODY_BYTES = 1 << 20  # a body larger than this ends the tap of its connection


@dataclass
class ObservedHttp:
    """One request a service sent through a proxy, and the response it got."""

    method: str
    target: str  # the path and query, as sent
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int = 0
    reason: str = ""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    started_at: float = 0.0
    elapsed_ms: float = 0.0


class HttpTap:
    def __init__(self, on_exchange: Callable[[ObservedHttp], None]) -> None:
        self.on_exchange = on_exchange
        self._requests = h11.Connection(h11.SERVER)  # reads what the caller sends
        self._responses = h11.Connection(h11.CLIENT)  # reads what the service answers
        self._sent: ObservedHttp | None = None  # the request being read
        self._waiting: deque[tuple[ObservedHttp, float]] = deque()  # read, not yet answered
        self._answer: ObservedHttp | None = None  # the response being read
        self.broken = False

    def from_caller(self, data: bytes) -> None:
        self._feed(self._requests, data, self._on_request_event)

    def from_service(self, data: bytes) -> None:
        self._feed(self._responses, data, self._on_response_event)

    def _feed(self, connection: h11.Connection, data: bytes, handle: Callable) -> None:
        if self.broken:
            return
        try:
            connection.receive_data(data)
            while True:
                event = connection.next_event()
                if event in (h11.NEED_DATA, h11.PAUSED):
                    break
                handle(event)
                if isinstance(event, h11.ConnectionClosed):
                    break
        except (h11.ProtocolError, ValueError):
            self.broken = True  # not HTTP/1.1 as h11 reads it: stop reading, keep forwarding

    def _on_request_event(self, event) -> None:
        if isinstance(event, h11.Request):
            self._sent = ObservedHttp(
                event.method.decode(), event.target.decode(), _headers(event.headers), b"", started_at=time.time()
            )
            self._responses.send(h11.Request(method=event.method, target=event.target, headers=event.headers))
        elif isinstance(event, h11.Data) and self._sent is not None:
            self._sent.request_body = _grown(self, self._sent.request_body, event.data)
            self._responses.send(h11.Data(data=event.data))
        elif isinstance(event, h11.EndOfMessage) and self._sent is not None:
            self._responses.send(h11.EndOfMessage())
            self._waiting.append((self._sent, time.perf_counter()))
            self._sent = None

    def _on_response_event(self, event) -> None:
        if isinstance(event, h11.Response) and self._waiting:
            self._answer, self._began = self._waiting.popleft()
            self._answer.status = event.status_code
            self._answer.reason = event.reason.decode(errors="replace")
            self._answer.response_headers = _headers(event.headers)
            self._requests.send(h11.Response(status_code=event.status_code, headers=event.headers, reason=event.reason))
        elif isinstance(event, h11.Data) and self._answer is not None:
            self._answer.response_body = _grown(self, self._answer.response_body, event.data)
            self._requests.send(h11.Data(data=event.data))
        elif isinstance(event, h11.EndOfMessage) and self._answer is not None:
            self._requests.send(h11.EndOfMessage())
            answered, self._answer = self._answer, None
            answered.elapsed_ms = (time.perf_counter() - self._began) * 1000
            self.on_exchange(answered)
            for connection in (self._requests, self._responses):
                if connection.our_state is h11.DONE and connection.their_state is h11.DONE:
                    connection.start_next_cycle()


def _headers(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw_items()]


def _grown(tap: HttpTap, body: bytes, more: bytes) -> bytes:
    if len(body) + len(more) > MAX_BODY_BYTES:
        tap.broken = True
    return body + more
