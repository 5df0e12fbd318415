"""OpenTelemetry for every shop service: incoming requests (Flask), calls to other
services (requests) and database queries (SQLAlchemy), exported over OTLP/HTTP.

Switched on by the standard variables: a service exports only when
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set, names
itself by ``OTEL_SERVICE_NAME``, and batches by ``OTEL_BSP_*``; the SDK reads them all.
Without them nothing of OpenTelemetry is imported, and the service starts as fast as before.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import Engine


def enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def instrument(app: Flask, engine: Engine, service: str):
    """Trace ``app``'s requests, its outgoing HTTP calls and ``engine``'s queries; returns the provider, or None."""
    if not enabled() or os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # Resource.create adds OTEL_RESOURCE_ATTRIBUTES; the service's name is OTEL_SERVICE_NAME when set.
    name = os.environ.get("OTEL_SERVICE_NAME") or f"shop.{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(timeout=2)))
    trace.set_tracer_provider(provider)
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider)
    RequestsInstrumentor().instrument(tracer_provider=provider)
    SQLAlchemyInstrumentor().instrument(engine=engine, tracer_provider=provider)
    return provider
