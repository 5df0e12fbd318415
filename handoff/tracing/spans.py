"""The span model every part of tracing shares, and decoding OTLP into it.

A :class:`Span` is one timed operation of one service (or of the test itself), with the
few things a reviewer and the phrases need: ids, parent, service, name, kind, times,
error status and attributes. OTLP requests are decoded with the official definitions
(``opentelemetry-proto``): protobuf as is, JSON by the OTLP/HTTP JSON rules (the proto3
JSON mapping, except that trace and span ids are hex strings, not base64).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
STATUS_ERROR = 2  # opentelemetry.proto.trace.v1.Status.STATUS_CODE_ERROR


class InvalidOtlp(ValueError):
    """A body that is not an OTLP trace export request."""


@dataclass
class Span:
    trace_id: str  # 32 lower-case hex digits
    span_id: str  # 16 lower-case hex digits
    parent_id: str  # "" for a root span
    name: str
    service: str
    kind: str = "INTERNAL"  # SERVER, CLIENT, INTERNAL, PRODUCER, CONSUMER
    start: float = 0.0  # epoch seconds
    end: float = 0.0
    error: bool = False
    status_message: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    from_test: bool = False  # made by the test run itself (scenario, step, request)

    @property
    def duration_ms(self) -> float:
        return max(0.0, (self.end - self.start) * 1000)

    def attribute(self, *names: str, default: Any = None) -> Any:
        """The first of ``names`` that is set: semantic conventions renamed several (http.method -> ...)."""
        for name in names:
            if name in self.attributes:
                return self.attributes[name]
        return default

    @property
    def http_method(self) -> str:
        return str(self.attribute("http.request.method", "http.method", default="")).upper()

    @property
    def http_path(self) -> str:
        path = self.attribute("url.path", "http.target", default="")
        if not path:
            url = str(self.attribute("url.full", "http.url", default=""))
            path = "/" + url.split("://", 1)[-1].split("/", 1)[1] if url.count("/") >= 3 else ""
        return str(path).split("?", 1)[0]

    @property
    def http_status(self) -> int | None:
        value = self.attribute("http.response.status_code", "http.status_code")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def is_database(self) -> bool:
        return "db.system" in self.attributes or "db.system.name" in self.attributes

    @property
    def db_statement(self) -> str:
        return str(self.attribute("db.query.text", "db.statement", default=self.name))

    def error_summary(self) -> str:
        """Why the span failed, as its exception event or status says it."""
        for name, attributes in self.events:
            if name == "exception":
                kind = attributes.get("exception.type", "")
                message = attributes.get("exception.message", "")
                return f"{kind}: {message}".strip(": ")
        if self.status_message:
            return self.status_message
        status = self.http_status
        return f"HTTP {status}" if status is not None and status >= 400 else ""


def decode_otlp(body: bytes, content_type: str) -> list[Span]:
    """The spans of an OTLP/HTTP trace export body, protobuf or JSON by its content type."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if media == "application/json":
            from google.protobuf import json_format

            json_format.ParseDict(
                _ids_as_base64(json.loads(body)), request, ignore_unknown_fields=True, max_recursion_depth=64
            )
        else:
            request.ParseFromString(body)
    except Exception as error:  # protobuf's DecodeError, json_format.ParseError, ValueError
        raise InvalidOtlp(f"not an OTLP trace export ({media or 'no content type'}): {error}") from None
    return spans_of(request.resource_spans)


def spans_of(resource_spans) -> list[Span]:
    """Our spans from protobuf ``ResourceSpans`` messages (an export request's or Tempo's batches)."""
    found: list[Span] = []
    for resource in resource_spans:
        resource_attributes = _attributes(resource.resource.attributes)
        service = str(resource_attributes.get("service.name", "unknown_service"))
        for scope in resource.scope_spans:
            for span in scope.spans:
                found.append(
                    Span(
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_id=span.parent_span_id.hex(),
                        name=span.name,
                        service=service,
                        kind=KINDS.get(span.kind, "INTERNAL"),
                        start=span.start_time_unix_nano / 1e9,
                        end=span.end_time_unix_nano / 1e9,
                        error=span.status.code == STATUS_ERROR,
                        status_message=span.status.message,
                        attributes=_attributes(span.attributes),
                        events=[(event.name, _attributes(event.attributes)) for event in span.events],
                    )
                )
    return found


def _attributes(key_values) -> dict[str, Any]:
    return {item.key: _value(item.value) for item in key_values}


def _value(any_value) -> Any:
    which = any_value.WhichOneof("value")
    if which is None:
        return None
    value = getattr(any_value, which)
    if which == "array_value":
        return [_value(v) for v in value.values]
    if which == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.values}
    if which == "bytes_value":
        return value.hex()
    return value


_ID_FIELDS = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")


def _ids_as_base64(document: Any) -> Any:
    """OTLP JSON writes ids as hex; the proto3 JSON mapping that json_format reads wants base64."""
    if not isinstance(document, dict):
        raise InvalidOtlp("an OTLP JSON body is an object with resourceSpans")
    for resource in document.get("resourceSpans", document.get("resource_spans", [])) or []:
        for scope in resource.get("scopeSpans", resource.get("scope_spans", [])) or []:
            for span in scope.get("spans", []) or []:
                _convert_ids(span)
                for link in span.get("links", []) or []:
                    _convert_ids(link)
    return document


def _convert_ids(item: dict) -> None:
    for key in _ID_FIELDS:
        value = item.get(key)
        if isinstance(value, str) and value:
            try:
                item[key] = base64.b64encode(bytes.fromhex(value)).decode("ascii")
            except ValueError:
                raise InvalidOtlp(f"{key} {value!r} is not hex (OTLP JSON writes ids as hex strings)") from None
