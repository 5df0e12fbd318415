"""Connections to a broker through kombu: AMQP (RabbitMQ) or the embedded file-system transport.

kombu (Celery's messaging library) gives one API over AMQP, Redis, SQS and its virtual
transports. The embedded broker is kombu's ``filesystem`` transport: messages are files
in a folder, and the exchange-to-queue bindings live in a control folder, so separate
processes (the shop's services and the test run) route to each other through it. Its
URL here names that folder: ``filesystem:///path/to/broker`` (queues in ``queues/``,
bindings in ``control/``). Two facts of that transport this module works around:

- an exchange's *type* is kept in each process's memory, only the bindings in files:
  a process that did not declare an exchange routes to it as ``direct``. Handoff declares
  the exchanges it publishes to as ``topic`` (exact keys route as with ``direct``);
- an exchange is nothing but its bindings' file: one nobody is bound to does not exist
  until a queue is bound to it, and :meth:`BrokerConnection.check_exchange` cannot refuse it;
- a message file is created empty, then written under a lock that readers do not take: a
  consumer polling at that moment takes the empty file, fails to read it, and the message
  is lost (seen here under load). Handoff writes each message to a hidden file and renames
  it into place (:func:`atomic_filesystem_transport`), so a reader sees all of it or nothing;
  the sample shop does the same;
- taking a message moves its file away, and a message left unacknowledged is put back
  through its exchange's routing in this process. Looking into a queue without taking
  anything is therefore done by reading the files (:meth:`BrokerConnection.browse`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from kombu import Connection


class BrokerUnreachable(Exception):
    """A configured broker does not answer: an infrastructure failure, named with its URL."""


class NoSuchDestination(LookupError):
    """An exchange or queue that the broker does not have."""


def masked_url(url: str) -> str:
    """The URL with its password as ****."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":****@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def url_password(url: str) -> str | None:
    return urlsplit(url).password


def is_filesystem(url: str) -> bool:
    return url.startswith("filesystem:")


def filesystem_folders(url: str) -> tuple[Path, Path]:
    """The queue folder and the control folder of a ``filesystem:///path`` URL (created if missing)."""
    root = Path(urlsplit(url).path or ".")
    queues, control = root / "queues", root / "control"
    queues.mkdir(parents=True, exist_ok=True)
    control.mkdir(parents=True, exist_ok=True)
    return queues, control


def atomic_filesystem_transport():
    """kombu's file-system transport, with each message written whole before it can be seen."""
    import uuid
    from time import monotonic

    from kombu.transport import filesystem
    from kombu.utils.encoding import str_to_bytes
    from kombu.utils.json import dumps

    class AtomicChannel(filesystem.Channel):
        def _put(self, queue, payload, **kwargs):
            folder = self.data_folder_out
            name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"  # kombu's own naming
            hidden = Path(folder) / f".incoming-{uuid.uuid4().hex}"  # not a message name: never taken
            hidden.write_bytes(str_to_bytes(dumps(payload)))
            hidden.rename(Path(folder) / name)

    class AtomicFilesystemTransport(filesystem.Transport):
        Channel = AtomicChannel

    return AtomicFilesystemTransport


def kombu_connection(url: str, timeout: float):
    """A kombu connection for a broker URL (not yet connected)."""
    from kombu import Connection  # imported when a broker is declared, not by every run

    if is_filesystem(url):
        queues, control = filesystem_folders(url)
        options = {"data_folder_in": str(queues), "data_folder_out": str(queues), "control_folder": str(control)}
        return Connection("filesystem://", transport=atomic_filesystem_transport(), transport_options=options)
    # Publisher confirms: a publish returns once the broker has the message, or raises.
    return Connection(url, connect_timeout=timeout, transport_options={"confirm_publish": True})


@dataclass
class RawMessage:
    """A message as a broker handed it over, before Handoff describes it."""

    exchange: str
    routing_key: str
    body: bytes
    headers: dict[str, Any]
    properties: dict[str, Any]
    redelivered: bool = False


class BrokerConnection:
    """One broker, as the test run uses it: publish, bind temporary queues, take from them, browse a queue."""

    def __init__(self, name: str, url: str, timeout: float = 5.0) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout
        self._connection: Connection | None = None
        self._channel = None

    @property
    def shown_url(self) -> str:
        return masked_url(self.url)

    @property
    def filesystem(self) -> bool:
        return is_filesystem(self.url)

    def connect(self) -> BrokerConnection:
        """Connect once, or raise :class:`BrokerUnreachable` naming the broker and its URL."""
        if self._connection is None:
            connection = kombu_connection(self.url, self.timeout)
            try:
                connection.ensure_connection(max_retries=1, timeout=self.timeout)
            except Exception as error:
                connection.release()
                raise BrokerUnreachable(
                    f"broker {self.name!r} is unreachable at {self.shown_url} ({type(error).__name__}: {error}). "
                    f"Is it running? Its address is brokers.{self.name}.url in the environment's file."
                ) from None
            self._connection = connection
        return self

    def channel(self):
        """The channel of this connection; a new one after the broker closed the last (a 404 does)."""
        self.connect()
        if self._channel is None or not getattr(self._channel, "is_open", True):
            self._channel = self._connection.channel()
        return self._channel

    def _reset_channel(self) -> None:
        if self._channel is not None:
            with contextlib.suppress(Exception):  # the broker closed it already
                self._channel.close()
        self._channel = None

    def check_exchange(self, exchange: str) -> None:
        """The exchange exists (AMQP: a passive declare). The embedded broker keeps no exchanges, only
        bindings: an exchange there is any name, and a message to one nobody is bound to is dropped,
        as AMQP drops it."""
        if not exchange or self.filesystem:
            return
        try:
            self.channel().exchange_declare(exchange=exchange, type="topic", passive=True)
        except Exception as error:
            self._reset_channel()
            raise NoSuchDestination(f"broker {self.name!r} has no exchange {exchange!r}: {error}") from None

    def check_queue(self, queue: str) -> None:
        if self.filesystem:
            if queue not in self.bound_queues():
                known = ", ".join(self.bound_queues()) or "none"
                raise NoSuchDestination(f"broker {self.name!r} has no queue {queue!r}; its queues: {known}")
            return
        try:
            self.channel().queue_declare(queue=queue, passive=True)
        except Exception as error:
            self._reset_channel()
            raise NoSuchDestination(f"broker {self.name!r} has no queue {queue!r}: {error}") from None

    def exchanges(self) -> list[str]:
        """The exchanges of the embedded broker that have bindings (filesystem only)."""
        _, control = filesystem_folders(self.url)
        return sorted(path.name.removesuffix(".exchange") for path in control.glob("*.exchange"))

    def bound_queues(self) -> list[str]:
        _, control = filesystem_folders(self.url)
        queues: set[str] = set()
        for path in control.glob("*.exchange"):
            try:
                queues.update(row[2] for row in json.loads(path.read_text() or "[]"))
            except (OSError, ValueError):
                continue
        return sorted(queues)

    def publish(self, exchange: str, routing_key: str, body: bytes, headers: dict, properties: dict) -> None:
        channel = self.channel()
        if exchange and self.filesystem:
            _know_exchange(channel, exchange)
        message = channel.prepare_message(
            body,
            content_type=properties.get("content_type", "application/json"),
            content_encoding=properties.get("content_encoding", "utf-8"),
            headers=headers,
            properties={key: value for key, value in properties.items() if key not in ("content_type",)},
        )
        try:
            channel.basic_publish(message, exchange=exchange, routing_key=routing_key)
        except Exception:
            self._reset_channel()
            raise

    def bind_temporary_queue(self, queue: str, exchange: str, routing_key: str) -> None:
        """A queue of the test run's own, bound to ``exchange``: it gets a copy of what is routed there."""
        channel = self.channel()
        if self.filesystem:
            _know_exchange(channel, exchange)
        # exclusive and auto-deleted on AMQP: gone with the connection, even if the run is killed
        channel.queue_declare(queue=queue, exclusive=not self.filesystem, auto_delete=True, durable=False)
        channel.queue_bind(queue=queue, exchange=exchange, routing_key=routing_key)

    def delete_queue(self, queue: str, exchange: str, routing_key: str) -> None:
        channel = self.channel()
        try:
            if self.filesystem:  # queue_delete removes its bindings from the control folder
                channel.queue_purge(queue=queue)
            channel.queue_delete(queue=queue)
        except Exception:
            self._reset_channel()

    def take_all(self, queue: str) -> list[RawMessage]:
        """Everything waiting in one of the run's own temporary queues (taken: nobody else reads it)."""
        return _drain(self.channel(), queue, acknowledged=True)

    def browse(self, queue: str) -> list[RawMessage]:
        """What waits in ``queue``, left there (for a queue no consumer reads, such as a dead-letter queue)."""
        self.check_queue(queue)
        if self.filesystem:
            return self._browse_files(queue)
        # Taken without acknowledging, then given back: the broker requeues unacknowledged
        # messages in their order when the channel closes.
        channel = self._connection.channel()
        try:
            return _drain(channel, queue, acknowledged=False)
        finally:
            channel.close()

    def _browse_files(self, queue: str) -> list[RawMessage]:
        folder, _ = filesystem_folders(self.url)
        found = []
        for path in sorted(folder.glob(f"*.{queue}.msg")):
            if path.name.partition(".")[2] != f"{queue}.msg":
                continue
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # taken in between
            found.append(_raw_from_payload(payload))
        return found

    def close(self) -> None:
        self._reset_channel()
        if self._connection is not None:
            try:
                self._connection.release()
            finally:
                self._connection = None


def _know_exchange(channel, exchange: str) -> None:
    """The embedded broker's exchange types live in each process's memory: this one must know it
    (as topic, unless this process declared it otherwise)."""
    if exchange not in channel.state.exchanges:
        channel.exchange_declare(exchange=exchange, type="topic", durable=True)


def _drain(channel, queue: str, acknowledged: bool) -> list[RawMessage]:
    """Every message waiting in ``queue``, got one by one (acknowledged: gone; else handed back on close)."""
    found = []
    while (message := channel.basic_get(queue=queue, no_ack=acknowledged)) is not None:
        found.append(_raw(message))
    return found


def _raw(message) -> RawMessage:
    properties = dict(message.properties or {})
    info = dict(message.delivery_info or {})
    body = message.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    return RawMessage(
        exchange=str(info.get("exchange", "")),
        routing_key=str(info.get("routing_key", "")),
        body=body,
        headers=dict(message.headers or {}),
        properties={
            "content_type": getattr(message, "content_type", None) or properties.get("content_type"),
            **{key: value for key, value in properties.items() if key not in ("delivery_info", "application_headers")},
        },
        redelivered=bool(info.get("redelivered", False)),
    )


def _raw_from_payload(payload: dict) -> RawMessage:
    """A message file of the filesystem transport (kombu's virtual message format)."""
    properties = dict(payload.get("properties") or {})
    info = dict(properties.pop("delivery_info", {}) or {})
    body = payload.get("body", "")
    if properties.get("body_encoding") == "base64":
        body = base64.b64decode(body)
    elif isinstance(body, str):
        body = body.encode("utf-8")
    return RawMessage(
        exchange=str(info.get("exchange", "")),
        routing_key=str(info.get("routing_key", "")),
        body=body,
        headers=dict(payload.get("headers") or {}),
        properties={"content_type": payload.get("content-type"), **properties},
    )


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    """Whether something listens on host:port within ``timeout`` seconds (for starting a broker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


__all__ = ["BrokerConnection", "BrokerUnreachable", "NoSuchDestination", "RawMessage", "masked_url"]
