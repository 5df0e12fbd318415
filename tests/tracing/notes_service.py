"""Notes: a small service of another stack than the shop's, for the tracing tests.

Plain WSGI (the standard library's wsgiref, no Flask) on SQLite through the standard
sqlite3 module, instrumented the way any team would from PyPI:
``opentelemetry-instrumentation-wsgi`` (incoming requests) and
``opentelemetry-instrumentation-sqlite3`` (queries), exporting with the SDK's OTLP/HTTP
exporter configured by the standard ``OTEL_*`` variables the run sets.

``python -m tests.tracing.notes_service`` with NOTES_PORT and NOTES_DATABASE.
Routes: GET /health, POST /notes {"text"}, GET /notes/<id>, GET /boom (a bug: 500).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

DATABASE = os.environ.get("NOTES_DATABASE", "notes.db")


def application(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    if path == "/health":
        return _answer(start_response, 200, {"status": "ok"})
    if path == "/boom":
        raise RuntimeError("the notes service has a bug")
    with sqlite3.connect(DATABASE) as connection:
        cursor = connection.cursor()  # the instrumentation traces cursors' queries, not Connection.execute
        if method == "POST" and path == "/notes":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            text = json.loads(environ["wsgi.input"].read(length) or b"{}").get("text", "")
            cursor.execute("INSERT INTO notes (text) VALUES (?)", (text,))
            return _answer(start_response, 201, {"id": cursor.lastrowid, "text": text})
        if method == "GET" and path.startswith("/notes/"):
            row = cursor.execute("SELECT id, text FROM notes WHERE id = ?", (path.rsplit("/", 1)[1],)).fetchone()
            if row is None:
                return _answer(start_response, 404, {"error": "not_found"})
            return _answer(start_response, 200, {"id": row[0], "text": row[1]})
    return _answer(start_response, 404, {"error": "no_route"})


def _answer(start_response, status: int, body: dict):
    data = json.dumps(body).encode()
    reason = {200: "OK", 201: "Created", 404: "Not Found"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def instrumented(app):
    """The app wrapped in OpenTelemetry's WSGI middleware, and sqlite3 traced; the provider, to flush at exit."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create())  # OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    SQLite3Instrumentor().instrument(tracer_provider=provider)
    return OpenTelemetryMiddleware(app, tracer_provider=provider), provider


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    with sqlite3.connect(DATABASE) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    app, provider = instrumented(application)
    server = make_server("127.0.0.1", int(os.environ["NOTES_PORT"]), app, _Server, _QuietHandler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(0)))
    try:
        server.serve_forever()
    finally:
        server.server_close()
        provider.shutdown()  # the last batch of spans
        sys.stdout.flush()


if __name__ == "__main__":
    main()
