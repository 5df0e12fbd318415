"""Loopback ports for the services a run starts, held from the moment they are chosen.

A port picked by binding to port 0 and closing again can be handed to someone else
before the service binds it: another run, or another worker of a parallel run. So each
port is held by a bound socket until its service starts. A service that can take a
listening socket from its parent (it names ``{fds.<port>}`` in its command or
environment, like systemd's socket activation) receives the socket itself and there is
no gap at all; for any other service the socket is closed just before it starts.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable

LOOPBACK = "127.0.0.1"
_FD_PLACEHOLDER = re.compile(r"\{fds\.(\w+)\}")


class PortReservations:
    def __init__(self) -> None:
        self._sockets: dict[tuple[str, str], socket.socket] = {}

    def reserve(self, service: str, port_name: str) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((LOOPBACK, 0))
        self._sockets[(service, port_name)] = sock
        return sock.getsockname()[1]

    def reserve_at(self, service: str, port_name: str, port: int) -> int:
        """Hold a service's own port again, to start it again where the others reach it (after it stopped)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # its last connections may linger in TIME_WAIT
        sock.bind((LOOPBACK, port))
        self._sockets[(service, port_name)] = sock
        return port

    def fds(self, service: str, templates: Iterable[str]) -> dict[str, int]:
        """The listening sockets a service asks for with ``{fds.<port>}``, by port name."""
        wanted = {name for text in templates for name in _FD_PLACEHOLDER.findall(text)}
        handed = {}
        for name in sorted(wanted):
            sock = self._sockets.get((service, name))
            if sock is None:
                raise LookupError(f"service {service!r} asks for {{fds.{name}}}, but it has no port {name!r}")
            sock.listen(128)
            sock.set_inheritable(True)
            handed[name] = sock.fileno()
        return handed

    def release_one(self, service: str, port_name: str) -> None:
        sock = self._sockets.pop((service, port_name), None)
        if sock is not None:
            sock.close()

    def release(self, service: str) -> None:
        """Close what the run still holds for a service: once it has started, or right before."""
        for key in [key for key in self._sockets if key[0] == service]:
            self._sockets.pop(key).close()

    def release_all(self) -> None:
        for sock in self._sockets.values():
            sock.close()
        self._sockets.clear()
