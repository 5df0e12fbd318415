"""A tiny billing service the shop does not contain: it invoices paid orders from messages.

It consumes ``order.paid`` from the ``orders`` exchange (its queue ``billing.orders``),
publishes ``invoice.created`` to the ``billing`` exchange, answers ``GET /invoices`` over
HTTP, ignores a message for an order it has invoiced already (an idempotent consumer),
and moves a message it cannot read to ``billing.dead-letter`` (through the
``billing.dead-letters`` exchange) with the reason in a header. The generic message
vocabulary is tested against it (tests/messaging). Run as a script:
``python billing_service.py <http port> <broker url>``, a broker URL being ``amqp://...``
or ``filesystem:///<folder>`` (kombu's file-system transport, as Handoff reads it).
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from time import monotonic
from urllib.parse import urlsplit

from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ORDERS = Exchange("orders", type="topic", durable=True)
BILLING = Exchange("billing", type="topic", durable=True)
DEAD_LETTERS = Exchange("billing.dead-letters", type="topic", durable=True)
QUEUE = Queue("billing.orders", exchange=ORDERS, routing_key="order.paid", durable=True)
DEAD_LETTER_QUEUE = Queue("billing.dead-letter", exchange=DEAD_LETTERS, routing_key="#", durable=True)


class _AtomicChannel(filesystem.Channel):
    """Each message written to a hidden file, then renamed into place: kombu's own _put creates the
    file first and writes it after, and a consumer polling in between takes an empty file (lost)."""

    def _put(self, queue, payload, **kwargs):
        hidden = Path(self.data_folder_out) / f".incoming-{uuid.uuid4().hex}"
        hidden.write_bytes(str_to_bytes(dumps(payload)))
        hidden.rename(Path(self.data_folder_out) / f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg")


class AtomicFilesystem(filesystem.Transport):
    Channel = _AtomicChannel


def connection(url: str) -> Connection:
    if url.startswith("filesystem:"):
        root = Path(urlsplit(url).path)
        (root / "queues").mkdir(parents=True, exist_ok=True)
        (root / "control").mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(root / "queues"),
            "data_folder_out": str(root / "queues"),
            "control_folder": str(root / "control"),
            "polling_interval": 0.05,
        }
        return Connection("filesystem://", transport=AtomicFilesystem, transport_options=options)
    return Connection(url, transport_options={"confirm_publish": True})


class Billing:
    def __init__(self, broker_url: str) -> None:
        self.invoices: dict[str, dict] = {}  # by order id
        self.handled = 0
        self.lock = threading.Lock()
        self.connection = connection(broker_url)
        self.connection.ensure_connection(max_retries=3)
        self.channel = self.connection.channel()
        for exchange in (ORDERS, BILLING, DEAD_LETTERS):
            exchange(self.channel).declare()
        for queue in (QUEUE, DEAD_LETTER_QUEUE):
            queue(self.channel).declare()
        self.producer = Producer(self.channel)
        self.stopping = threading.Event()

    def handle(self, body, message) -> None:
        with self.lock:
            self.handled += 1
            try:
                order = json.loads(message.body)
                order_id, amount = str(order["order_id"]), int(order["amount_cents"])
            except (ValueError, KeyError, TypeError) as error:
                self.dead_letter(message, f"{type(error).__name__}: {error}")
                message.ack()
                return
            if order_id not in self.invoices:  # a redelivery of an order invoiced already: nothing again
                invoice = {"invoice_id": "inv_" + uuid.uuid4().hex[:12], "order_id": order_id, "amount_cents": amount}
                self.invoices[order_id] = invoice
                self.producer.publish(invoice, exchange=BILLING, routing_key="invoice.created", serializer="json")
            message.ack()

    def dead_letter(self, message, reason: str) -> None:
        self.producer.publish(
            message.body,
            exchange=DEAD_LETTERS,
            routing_key=message.delivery_info.get("routing_key", ""),
            headers={**(message.headers or {}), "x-reason": reason},
            content_type=message.content_type or "application/octet-stream",
            content_encoding=message.content_encoding or "utf-8",
        )

    def consume(self) -> None:
        with Consumer(self.channel, [QUEUE], callbacks=[self.handle], accept=None):
            while not self.stopping.is_set():
                try:
                    self.connection.drain_events(timeout=0.2)
                except TimeoutError:
                    continue


def handler(billing: Billing):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/health":
                return self._send(200, {"status": "ok"})
            if self.path == "/invoices":
                with billing.lock:
                    return self._send(200, {"items": list(billing.invoices.values()), "handled": billing.handled})
            return self._send(404, {"error": "not_found"})

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    return Handler


def main() -> None:
    port, broker_url = int(sys.argv[1]), sys.argv[2]
    billing = Billing(broker_url)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(billing))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"billing: listening on {port}, broker {broker_url.split('@')[-1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        billing.consume()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    main()
