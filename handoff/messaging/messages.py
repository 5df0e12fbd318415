"""A message seen on a broker: published by a step or observed, described for reports and failures."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from handoff.matching.json_payloads import BadJson, parse_document
from handoff.matching.patterns import MISSING

BODY_SHOWN = 3000


@dataclass(frozen=True)
class BrokerMessage:
    broker: str
    exchange: str  # "" for the default exchange (published straight to a queue)
    routing_key: str
    body: str
    headers: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    direction: str = "observed"  # published (by a step), observed (on a temporary queue), in queue (browsed)
    queue: str = ""  # the queue it was seen in, when browsed
    redelivered: bool = False
    at: float = field(default_factory=time.time)

    @property
    def where(self) -> str:
        if self.queue:
            return f"queue {self.queue!r} of broker {self.broker!r}"
        if self.exchange:
            return f"exchange {self.exchange!r} of broker {self.broker!r}"
        return f"queue {self.routing_key!r} of broker {self.broker!r} (default exchange)"

    def payload(self) -> Any:
        """The body as JSON; :data:`MISSING` when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return MISSING

    def json(self) -> Any:
        """The body as JSON, or an error that shows the body."""
        try:
            return parse_document(self.body, f"the message {self.routing_key!r} on {self.where}")
        except BadJson as error:
            raise BadJson(f"{error}\nits body: {self.body[:BODY_SHOWN]}") from None

    def summary(self) -> str:
        """One line, for failure messages (the checker's evidence)."""
        body = " ".join(self.body.split())
        return f"{self.direction} {self.routing_key!r} on {self.where}: {body[:200]}{'…' if len(body) > 200 else ''}"

    def describe(self) -> str:
        """The whole message, for the report (masked by the caller)."""
        lines = [
            f"{self.direction} on {self.where}",
            f"routing key: {self.routing_key}",
            *(f"redelivered: {self.redelivered}",) * self.redelivered,
        ]
        for key in ("content_type", "message_id", "correlation_id", "type", "timestamp"):
            if self.properties.get(key):
                lines.append(f"{key}: {self.properties[key]}")
        if self.headers:
            lines.append("headers:")
            lines += [f"  {name}: {value}" for name, value in sorted(self.headers.items())]
        payload = self.payload()
        shown = self.body if payload is MISSING else json.dumps(payload, indent=2, ensure_ascii=False, default=str)
        return "\n".join([*lines, "", shown])
