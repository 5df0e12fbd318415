"""The shop's message broker: where its services announce domain events to each other.

One topic exchange, ``shop.events`` (routing keys ``order.paid``,
``order.payment_failed``, ...), and ``shop.dead-letters`` for messages a consumer could
not handle. ``SHOP_BROKER_URL`` is ``amqp://...`` (RabbitMQ) or
``filesystem:///<folder>``: kombu's file-system transport, which routes between
separate processes through files (the embedded shop: nothing to install). Both go
through kombu, so the services' code is the same for either.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from time import monotonic
from urllib.parse import urlsplit

from kombu import Connection, Exchange
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

EVENTS = Exchange("shop.events", type="topic", durable=True)
DEAD_LETTERS = Exchange("shop.dead-letters", type="topic", durable=True)
CONNECT_TIMEOUT_SECONDS = 3


class _AtomicChannel(filesystem.Channel):
    """Each message written to a hidden file, then renamed into place: kombu's own _put creates the
    file first and writes it after, and a consumer polling in between takes an empty file (lost)."""

    def _put(self, queue, payload, **kwargs):
        hidden = Path(self.data_folder_out) / f".incoming-{uuid.uuid4().hex}"
        hidden.write_bytes(str_to_bytes(dumps(payload)))
        hidden.rename(Path(self.data_folder_out) / f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg")


class AtomicFilesystem(filesystem.Transport):
    Channel = _AtomicChannel


def broker_connection(url: str) -> Connection:
    if url.startswith("filesystem:"):
        root = Path(urlsplit(url).path)
        queues, control = root / "queues", root / "control"
        queues.mkdir(parents=True, exist_ok=True)
        control.mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(queues),
            "data_folder_out": str(queues),
            "control_folder": str(control),
            "polling_interval": 0.05,
        }
        return Connection("filesystem://", transport=AtomicFilesystem, transport_options=options)
    # Publisher confirms: a publish returns once the broker has the message.
    return Connection(url, connect_timeout=CONNECT_TIMEOUT_SECONDS, transport_options={"confirm_publish": True})


def shown(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":****@") if parts.password else url
