"""An OTLP/HTTP trace receiver on loopback: ``POST /v1/traces``, protobuf or JSON.

Services export to it as to any collector (``OTEL_EXPORTER_OTLP_ENDPOINT`` names it).
It answers as the OTLP/HTTP specification says: 200 with an (empty) export response in
the request's encoding, 400 for a body that does not decode, 404 for other paths, 415
for other content types. Every decoded span goes to a callback (the run's
:class:`handoff.tracing.collector.SpanStore`).
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from handoff.tracing.spans import InvalidOtlp, Span, decode_otlp

TRACES_PATH = "/v1/traces"
MAX_BODY = 32 * 1024 * 1024
CONTENT_TYPES = ("application/x-protobuf", "application/protobuf", "application/json")


class OtlpReceiver:
    """A small threaded HTTP server on 127.0.0.1 that hands every exported span to ``on_spans``."""

    def __init__(self, on_spans: Callable[[list[Span]], None], port: int = 0) -> None:
        self.on_spans = on_spans
        self.requests = 0
        self.rejected = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        """The base URL for ``OTEL_EXPORTER_OTLP_ENDPOINT`` (exporters add /v1/traces)."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def traces_url(self) -> str:
        return self.endpoint + TRACES_PATH

    def start(self) -> OtlpReceiver:
        self._thread = threading.Thread(target=self.server.serve_forever, name="otlp-receiver", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()


def _handler(receiver: OtlpReceiver) -> type[BaseHTTPRequestHandler]:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

    empty_protobuf = ExportTraceServiceResponse().SerializeToString()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: exporters reuse their connection

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] != TRACES_PATH:
                return self._answer(404, b"only POST /v1/traces is served here", "text/plain")
            content_type = self.headers.get("Content-Type", "")
            media = content_type.split(";", 1)[0].strip().lower()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._answer(413, b"body too large", "text/plain")
            body = self.rfile.read(length)
            if media not in CONTENT_TYPES:
                receiver.rejected += 1
                return self._answer(415, f"unsupported content type {media!r}".encode(), "text/plain")
            try:
                spans = decode_otlp(_inflate(body, self.headers.get("Content-Encoding", "")), media)
            except (InvalidOtlp, OSError, zlib.error) as error:
                receiver.rejected += 1
                return self._answer(400, str(error).encode(), "text/plain")
            receiver.requests += 1
            receiver.on_spans(spans)
            if media == "application/json":
                self._answer(200, b"{}", "application/json")
            else:
                self._answer(200, empty_protobuf, "application/x-protobuf")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:
            pass  # one line per export on stderr would drown the run's own output

    return Handler


def _inflate(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body
