"""One stub's HTTP server: answers from its mappings, records every request, misbehaves on demand.

A ``ThreadingHTTPServer`` from the standard library on a loopback port, in a daemon
thread. Faults are those of the fault-injecting proxies (handoff/faults/proxy.py), played
by the stub itself: *slow* answers after N seconds, *down* closes each connection at
once, *server errors* answers 503, *drop* reads the request and closes without an answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from handoff.faults.proxy import LOOPBACK, NO_FAULT, Fault, Mode
from handoff.stubs.mappings import StubMapping

MAX_BODY = 1_000_000  # bytes read from one request


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]
    body: str
    answered: int | None  # the status the stub answered, None if it answered nothing

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def describe(self) -> str:
        answer = f"-> {self.answered}" if self.answered is not None else "-> no answer"
        return f"{self.method} {self.target} {answer}"


@dataclass
class StubServer:
    name: str
    file_mappings: list[StubMapping]
    port: int = 0
    added: list[StubMapping] = field(default_factory=list)
    journal: list[ReceivedRequest] = field(default_factory=list)
    fault: Fault = NO_FAULT
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> StubServer:
        self._server = ThreadingHTTPServer((LOOPBACK, self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name=f"stub-{self.name}", daemon=True).start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # what steps do

    def add(self, mapping: StubMapping) -> None:
        with self._lock:
            self.added.append(mapping)

    def set_fault(self, fault: Fault) -> None:
        self.fault = fault

    def reset(self) -> None:
        """A new scenario: the file mappings only, an empty journal, no fault."""
        with self._lock:
            self.added.clear()
            self.journal.clear()
        self.fault = NO_FAULT

    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self.journal)

    def answer_for(self, method: str, target: str) -> StubMapping | None:
        with self._lock:
            candidates = [*self.file_mappings, *self.added]
        matching = [(m.priority, -index, m) for index, m in enumerate(candidates) if m.matches(method, target)]
        return min(matching, key=lambda entry: entry[:2])[2] if matching else None

    def mappings(self) -> list[StubMapping]:
        with self._lock:
            return [*self.file_mappings, *self.added]

    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.journal.append(request)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # the journal is the log
                pass

            def _handle(self):
                fault = stub.fault
                if fault.mode is Mode.DOWN:
                    self.close_connection = True
                    return
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
                headers = {key: value for key, value in self.headers.items()}
                if fault.mode is Mode.DROP:
                    stub._record(ReceivedRequest(self.command, self.path, headers, body, None))
                    self.close_connection = True
                    return
                if fault.mode is Mode.SLOW:
                    time.sleep(fault.seconds)
                if fault.mode is Mode.SERVER_ERRORS:
                    status, payload, extra, delay = 503, b'{"error": "unavailable (a fault of the test)"}', {}, 0.0
                else:
                    mapping = stub.answer_for(self.command, self.path)
                    if mapping is None:
                        status, extra, delay = 404, {}, 0.0
                        payload = json.dumps(
                            {
                                "error": f"no mapping of stub {stub.name!r} matches {self.command} {self.path}",
                                "mappings": [m.describe() for m in stub.mappings()],
                            }
                        ).encode()
                    else:
                        response = mapping.response
                        status, payload, extra, delay = (
                            response.status,
                            response.body,
                            response.headers,
                            response.delay_seconds,
                        )
                stub._record(ReceivedRequest(self.command, self.path, headers, body, status))
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                content_type = {k.lower(): v for k, v in extra.items()}.get("content-type", "application/json")
                for key, value in extra.items():
                    if key.lower() != "content-type":
                        self.send_header(key, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        return Handler
