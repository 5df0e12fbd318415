"""Readiness probes: one class per way a container service says it is ready.

Declared as ``ready = { http = "/health" }``, ``{ tcp = "{ports.pg}" }``,
``{ log = "ready to accept connections" }`` or ``{ command = ["pg_isready", ...] }``.
Without ``ready``, a service with a ``health`` path is probed over HTTP on its first
port, and one without on TCP. Each probe answers ``(ready, what it saw)``; the last
answer is what a timeout message shows.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from docker.errors import APIError
from docker.models.containers import Container

from handoff.config.settings import ConfigError, ServiceConfig


class Probe(Protocol):
    def check(self, container: Container) -> tuple[bool, str]: ...


@dataclass
class HttpProbe:
    url: str
    session: requests.Session

    def check(self, container: Container) -> tuple[bool, str]:
        try:
            answer = self.session.get(self.url, timeout=1.0)
        except requests.RequestException as error:
            return False, f"GET {self.url}: {type(error).__name__}"
        return answer.status_code == 200, f"GET {self.url}: HTTP {answer.status_code}"


@dataclass
class TcpProbe:
    port: int

    def check(self, container: Container) -> tuple[bool, str]:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1.0):
                return True, f"TCP 127.0.0.1:{self.port}: accepted"
        except OSError as error:
            return False, f"TCP 127.0.0.1:{self.port}: {error.strerror or type(error).__name__}"


@dataclass
class LogProbe:
    text: str
    log_path: Path

    def check(self, container: Container) -> tuple[bool, str]:
        try:
            seen = self.text in self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            seen = False
        return seen, f"log line {self.text!r}: {'seen' if seen else 'not seen yet'} in {self.log_path}"


@dataclass
class CommandProbe:
    command: list[str]

    def check(self, container: Container) -> tuple[bool, str]:
        try:
            code, output = container.exec_run(self.command, stdout=True, stderr=True)
        except APIError as error:
            return False, f"{' '.join(self.command)}: {error.explanation or error}"
        text = (output or b"").decode(errors="replace").strip().splitlines()
        return code == 0, f"{' '.join(self.command)}: exit code {code}" + (f" ({text[-1]})" if text else "")


def probe_for(
    service: ServiceConfig,
    render: Callable[[str], str],
    url: str,
    ports: dict[str, int],
    log_path: Path,
    session: requests.Session,
) -> Probe:
    ready = dict(service.ready)
    kinds = set(ready) & {"http", "tcp", "log", "command"}
    if len(kinds) > 1 or set(ready) - kinds:
        raise ConfigError(
            f"services.{service.name}.ready must have one of http, tcp, log or command, not {sorted(ready)}"
        )
    if "http" in ready:
        return HttpProbe(url + render(str(ready["http"])), session)
    if "tcp" in ready:
        return TcpProbe(int(render(str(ready["tcp"]))))
    if "log" in ready:
        return LogProbe(render(str(ready["log"])), log_path)
    if "command" in ready:
        return CommandProbe([render(str(part)) for part in ready["command"]])
    if service.health:
        return HttpProbe(url + service.health, session)
    return TcpProbe(next(iter(ports.values())))
