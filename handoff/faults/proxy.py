"""A small fault-injecting TCP proxy on loopback, between a service and one of its dependencies.

One :class:`FaultProxy` listens on ``127.0.0.1`` and forwards every connection to its
target, unless a fault is switched on. Faults apply to connections accepted while they
are on; switching to another fault closes every open connection, so that a client's
pooled keep-alive connection cannot slip past the new fault.

The faults (:class:`Fault`):

``PASS``
    forward both ways, unchanged.
``SLOW``
    hold each new connection ``seconds`` before forwarding it. What the client sends
    meanwhile is kept and forwarded afterwards; a client that gives up (closes the
    connection) before the time is over is **never forwarded**: the dependency never
    hears of its request. This is what a client with a shorter timeout than the delay
    sees of a slow dependency, without the dependency acting on a request nobody waits for.
``DOWN``
    refuse: reset each connection as soon as it is accepted.
``SERVER_ERRORS``
    answer every HTTP request with ``503 Service Unavailable`` itself (HTTP targets);
    for SMTP targets, greet with ``421`` (service not available), as SMTP servers do.
``DROP``
    accept, read the request (for HTTP, its head and body), then close without answering.
``REJECT_MESSAGES``
    SMTP only: hold the SMTP dialogue and answer the message's data with
    ``554 Transaction failed``; nothing is forwarded.

Everything is bounded: connections per proxy, bytes read from a request, the seconds a
connection may stay idle, the seconds of a hold. All proxies of a run share one event
loop in one daemon thread (:class:`ProxyLoop`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from handoff.faults.http_tap import HttpTap, ObservedHttp

LOOPBACK = "127.0.0.1"
MAX_CONNECTIONS = 64  # per proxy; more are reset at once
MAX_REQUEST_BYTES = 1 << 20  # read from a request that is answered or dropped, and kept during a hold
MAX_HOLD_SECONDS = 60.0
IDLE_SECONDS = 120.0  # a forwarded connection with no traffic either way for this long is closed
READ_SECONDS = 10.0  # for a request the proxy reads itself
SMTP_MAX_COMMANDS = 100
MAX_OBSERVED = 1000  # exchanges kept between two takes; older ones give way
CONTROL_SECONDS = 5.0  # for starting, stopping and switching faults from the caller's thread

PROTOCOLS = ("http", "smtp", "tcp")


class Mode(enum.Enum):
    PASS = "pass through"
    SLOW = "slow"
    DOWN = "down"
    SERVER_ERRORS = "server errors"
    DROP = "drop"
    REJECT_MESSAGES = "reject messages"


@dataclass(frozen=True)
class Fault:
    mode: Mode = Mode.PASS
    seconds: float = 0.0  # SLOW: how long each new connection is held

    def __post_init__(self) -> None:
        if self.mode is Mode.SLOW and not 0 < self.seconds <= MAX_HOLD_SECONDS:
            raise ValueError(f"a slow dependency holds connections for 0 to {MAX_HOLD_SECONDS:g} seconds")

    def describe(self) -> str:
        return f"slow ({self.seconds:g} s)" if self.mode is Mode.SLOW else self.mode.value


NO_FAULT = Fault()
_BODY_503 = b'{"error": "service_unavailable", "message": "the service is unavailable"}'
HTTP_503 = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(_BODY_503), _BODY_503)
)


class ProxyLoop:
    """One asyncio event loop in a daemon thread, shared by a run's proxies."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fault-proxies", daemon=True)
        self._thread.start()

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = CONTROL_SECONDS) -> Any:
        """Run a coroutine on the loop and wait for its result, at most ``timeout`` seconds."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        if self.loop.is_closed():
            return

        async def finish_connections() -> None:  # so that none is left to close on a closed loop
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(RuntimeError, TimeoutError):
            self.call(finish_connections())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(CONTROL_SECONDS)
        if not self._thread.is_alive():
            self.loop.close()


class FaultProxy:
    """A loopback proxy in front of ``target_host:target_port`` that can inject one fault at a time."""

    def __init__(self, name: str, target_host: str, target_port: int, protocol: str, loop: ProxyLoop) -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"proxy {name!r}: protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}")
        self.name = name
        self.target = (target_host, target_port)
        self.protocol = protocol
        self.fault = NO_FAULT
        self.port = 0
        self._loop = loop
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task] = set()
        # HTTP the proxy forwarded, read as it passed (handoff/faults/http_tap.py): off until observe()
        self._observed: collections.deque[ObservedHttp] | None = None

    def observe(self) -> None:
        """Keep each HTTP exchange this proxy forwards (an HTTP proxy only), for :meth:`take_observed`."""
        if self.protocol != "http":
            raise ValueError(f"proxy {self.name!r} carries {self.protocol}: only HTTP exchanges can be observed")
        self._observed = collections.deque(maxlen=MAX_OBSERVED)

    def take_observed(self) -> list[ObservedHttp]:
        """The exchanges forwarded since the last call, oldest first (thread-safe: deque ends are atomic)."""
        found = []
        while self._observed:
            found.append(self._observed.popleft())
        return found

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, port: int = 0) -> FaultProxy:
        """Listen on ``port``, or on a free loopback port the kernel picks (also when ``port`` is taken).

        A given port lets a kept container stack, whose services were told the proxy's
        address, be used again by the next run.
        """
        try:
            self._server = self._loop.call(asyncio.start_server(self._accept, LOOPBACK, port))
        except OSError:
            self._server = self._loop.call(asyncio.start_server(self._accept, LOOPBACK, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def set_fault(self, fault: Fault) -> None:
        """Switch to ``fault`` (NO_FAULT to pass through) and close every open connection."""
        if fault.mode is Mode.REJECT_MESSAGES and self.protocol != "smtp":
            raise ValueError(f"proxy {self.name!r} carries {self.protocol}: only an SMTP server rejects messages")
        if fault.mode is Mode.SERVER_ERRORS and self.protocol not in ("http", "smtp"):
            raise ValueError(f"proxy {self.name!r} carries plain TCP: server errors need HTTP or SMTP")
        self.fault = fault
        self._loop.call(self._close_connections())

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None

        async def shut() -> None:
            server.close()
            await self._close_connections()

        with contextlib.suppress(RuntimeError, TimeoutError):  # the loop is gone: its sockets go with the process
            self._loop.call(shut())

    # -- on the loop --------------------------------------------------------------------

    async def _close_connections(self) -> None:
        tasks = [task for task in self._connections if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=CONTROL_SECONDS)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if len(self._connections) >= MAX_CONNECTIONS:
            _reset(writer)
            return
        self._connections.add(task)
        fault = self.fault  # the fault when the connection arrived
        try:
            await self._serve(fault, reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass  # a peer went away: the connection ends, as it would without the proxy
        finally:
            self._connections.discard(task)
            writer.close()

    async def _serve(self, fault: Fault, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        mode = fault.mode
        if mode is Mode.DOWN:
            _reset(writer)
        elif mode is Mode.SERVER_ERRORS and self.protocol == "smtp":
            writer.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
            await writer.drain()
        elif mode is Mode.SERVER_ERRORS:
            await _read_request(reader, self.protocol)
            writer.write(HTTP_503)
            await writer.drain()
        elif mode is Mode.DROP:
            await _read_request(reader, self.protocol)
        elif mode is Mode.REJECT_MESSAGES:
            await _smtp_rejecting(reader, writer)
        elif mode is Mode.SLOW:
            held = await _hold(reader, fault.seconds)
            if held is not None:
                await self._forward(reader, writer, held)
        else:
            await self._forward(reader, writer, b"")

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, first: bytes) -> None:
        upstream_reader, upstream_writer = await asyncio.wait_for(asyncio.open_connection(*self.target), READ_SECONDS)
        observed = self._observed
        tap = HttpTap(observed.append) if observed is not None else None
        try:
            if first:
                upstream_writer.write(first)
                _read(tap and tap.from_caller, first)
            await asyncio.gather(
                _pipe(reader, upstream_writer, tap and tap.from_caller),
                _pipe(upstream_reader, writer, tap and tap.from_service),
            )
        finally:
            upstream_writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, tap=None) -> None:
    """Copy until the source ends (then half-close the sink) or stays idle too long; ``tap`` reads along."""
    while True:
        data = await asyncio.wait_for(source.read(65536), IDLE_SECONDS)
        if not data:
            if sink.can_write_eof() and not sink.is_closing():
                sink.write_eof()
            return
        sink.write(data)
        _read(tap, data)
        await sink.drain()


def _read(tap, data: bytes) -> None:
    """Let a tap read what passed; whatever it makes of it, the bytes are forwarded unchanged."""
    if tap is not None:
        with contextlib.suppress(Exception):
            tap(data)


async def _hold(reader: asyncio.StreamReader, seconds: float) -> bytes | None:
    """Keep what the client sends for ``seconds``; None when it gives up before that."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    kept = b""
    while (remaining := deadline - loop.time()) > 0:
        try:
            data = await asyncio.wait_for(reader.read(65536), remaining)
        except TimeoutError:
            break
        if not data:
            return None  # the client closed: its request is never forwarded
        kept += data
        if len(kept) > MAX_REQUEST_BYTES:
            return None
    return kept


async def _read_request(reader: asyncio.StreamReader, protocol: str) -> bytes:
    """An HTTP request's head and body (by Content-Length); for other protocols, what comes first."""
    if protocol != "http":
        try:
            return await asyncio.wait_for(reader.read(65536), 1.0)
        except TimeoutError:
            return b""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_SECONDS)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = min(int(value.strip()), MAX_REQUEST_BYTES)
    body = await asyncio.wait_for(reader.readexactly(length), READ_SECONDS) if length else b""
    return head + body


async def _smtp_rejecting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """An SMTP server that accepts the envelope and rejects every message's data with 554."""

    async def reply(line: bytes) -> None:
        writer.write(line + b"\r\n")
        await writer.drain()

    await reply(b"220 127.0.0.1 ESMTP")
    for _ in range(SMTP_MAX_COMMANDS):
        line = await asyncio.wait_for(reader.readline(), READ_SECONDS)
        if not line:
            return
        verb = line[:4].upper()
        if verb == b"QUIT":
            await reply(b"221 2.0.0 Bye")
            return
        if verb == b"DATA":
            await reply(b"354 End data with <CR><LF>.<CR><LF>")
            size = 0
            while (data := await asyncio.wait_for(reader.readline(), READ_SECONDS)) not in (b".\r\n", b".\n", b""):
                size += len(data)
                if size > MAX_REQUEST_BYTES:
                    return
            await reply(b"554 5.6.0 Transaction failed: message rejected")
        elif verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            await reply(b"250 OK")
        else:
            await reply(b"502 5.5.1 Command not implemented")


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset, as a refused or crashed peer does, not an orderly close."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
