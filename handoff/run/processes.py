"""Services that the run starts itself as local processes.

Each declared ``command`` runs as a child process on free loopback ports, its output
in ``<logs>/<service>.log``. The run waits for every health endpoint, and stops every
process at the end, also after a failure or Ctrl-C (see :meth:`LocalProcesses.stop`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import requests

from handoff.config.settings import ServiceConfig
from handoff.run.ports import PortReservations


class ServiceStartError(Exception):
    """A service the run starts did not become ready."""


class ServiceDied(Exception):
    """A service the run started ended while the run went on: an infrastructure failure, not the product's."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningProcess:
    service: ServiceConfig
    process: subprocess.Popen
    log_path: Path
    health_url: str


class LocalProcesses:
    """Starts declared services as processes and stops them again."""

    def __init__(self, log_dir: Path, on_started: Callable[[int], None] | None = None) -> None:
        self.log_dir = log_dir
        self.running: list[RunningProcess] = []
        self.on_started = on_started  # told each new pid (the run's owner label records it)
        # The OpenTelemetry variables of a service (handoff/tracing): named explicitly, as the base
        # environment holds none of the test process's; the service's own env table overrides them.
        self.telemetry: Callable[[str], Mapping[str, str]] | None = None
        self.stopped: dict[str, RunningProcess] = {}  # stopped on purpose by a scenario, to start again

    def start(
        self,
        services: list[ServiceConfig],
        urls: Mapping[str, str],
        render: Callable[[ServiceConfig, str], str],
        timeout: float,
        ports: PortReservations | None = None,
    ) -> None:
        """Start every service at once, then wait until each one answers its health check.

        ``ports`` holds each service's ports until it starts; a service that names
        ``{fds.<port>}`` gets the listening socket itself.
        """
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in services:
            self.running.append(self._launch(service, urls, render, ports))
        deadline = time.monotonic() + timeout
        for running in self.running:
            self._wait_until_ready(running, deadline, timeout)

    def _launch(
        self,
        service: ServiceConfig,
        urls: Mapping[str, str],
        render: Callable[[ServiceConfig, str], str],
        ports: PortReservations | None,
    ) -> RunningProcess:
        command = [render(service, part) for part in service.command]
        env = {
            **service_base_environment(os.environ),
            **(self.telemetry(service.name) if self.telemetry else {}),
            **{k: render(service, v) for k, v in service.env.items()},
        }
        env.setdefault("PYTHONUNBUFFERED", "1")
        handed = ports.fds(service.name, [*service.command, *service.env.values()]) if ports else {}
        if ports:
            for port_name in set(service.ports) - set(handed):
                ports.release_one(service.name, port_name)  # it binds this one itself, now
        log_path = self.log_dir / f"{service.name}.log"
        with log_path.open("ab" if service.name in self.stopped else "wb") as log:
            process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=tuple(handed.values()),
                start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
            )
        if self.on_started is not None:
            self.on_started(process.pid)
        if ports:
            ports.release(service.name)  # the service has its own copy of what it was handed
        return RunningProcess(service, process, log_path, urls[service.name] + service.health)

    def stop_service(self, name: str, grace: float = 5.0) -> None:
        """Stop one service on purpose (a scenario's "the X service is stopped"); not a death."""
        running = self._running(name)
        self._stop([running], grace)
        self.running.remove(running)
        self.stopped[name] = running

    def start_service(
        self,
        name: str,
        urls: Mapping[str, str],
        render: Callable[[ServiceConfig, str], str],
        ports: PortReservations,
        timeout: float,
    ) -> None:
        """Start a service stopped with :meth:`stop_service` again, on the same ports, and wait until it is ready."""
        stopped = self.stopped.get(name)
        if stopped is None:
            raise LookupError(f"service {name!r} was not stopped in this scenario, so it cannot be started again")
        running = self._launch(stopped.service, urls, render, ports)
        del self.stopped[name]
        self.running.append(running)
        self._wait_until_ready(running, time.monotonic() + timeout, timeout)

    def _running(self, name: str) -> RunningProcess:
        for running in self.running:
            if running.service.name == name:
                return running
        if name in self.stopped:
            raise LookupError(f"service {name!r} is stopped already")
        known = ", ".join(sorted(r.service.name for r in self.running)) or "none"
        raise LookupError(f"no service {name!r} started by this run as a process (started: {known})")

    def _wait_until_ready(self, running: RunningProcess, deadline: float, timeout: float) -> None:
        last_probe = "no probe yet"
        with requests.Session() as probe:
            probe.trust_env = False
            while time.monotonic() < deadline:
                code = running.process.poll()
                if code is not None:
                    raise ServiceStartError(
                        f"service {running.service.name!r} exited with code {code} while starting "
                        f"({' '.join(running.service.command)}).\n"
                        f"Last lines of {running.log_path}:\n{tail(running.log_path)}"
                    )
                try:
                    answer = probe.get(running.health_url, timeout=1.0)
                    if answer.status_code == 200:
                        return
                    last_probe = f"HTTP {answer.status_code}"
                except requests.RequestException as error:
                    last_probe = type(error).__name__
                time.sleep(0.05)
        raise ServiceStartError(
            f"service {running.service.name!r} was not ready within {timeout:g} s "
            f"(run.start_timeout); last probe of {running.health_url}: {last_probe}.\n"
            f"Last lines of {running.log_path}:\n{tail(running.log_path)}"
        )

    def deaths(self) -> list[str]:
        """One sentence per started service whose process has ended, with its status and last log lines."""
        return [
            f"service {running.service.name!r} (process {running.process.pid}) ended with exit status "
            f"{running.process.returncode} during the run. "
            f"Last lines of {running.log_path}:\n{tail(running.log_path, 5)}"
            for running in self.running
            if running.process.poll() is not None
        ]

    def stop(self, grace: float = 5.0) -> None:
        """Ask every process to stop, then kill what is still there after the grace time."""
        self._stop(self.running, grace)
        self.running.clear()
        self.stopped.clear()

    @staticmethod
    def _stop(processes: list[RunningProcess], grace: float) -> None:
        for running in processes:
            _signal_group(running.process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for running in processes:
            try:
                running.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(running.process, signal.SIGKILL)
                running.process.wait()


# What a started service gets of the test process's environment: what a program needs to
# run at all (where programs and libraries are, the locale, time zone, temporary folder,
# a virtual environment), never the test run's own settings and secrets (HANDOFF_*,
# database URLs, tokens). Everything else a service needs is declared in its env table.
INHERITED = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT")
INHERITED_PREFIXES = ("LC_",)


def service_base_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The part of ``environ`` every started service inherits (see ``INHERITED``)."""
    return {name: value for name, value in environ.items() if name in INHERITED or name.startswith(INHERITED_PREFIXES)}


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)


def tail(path: Path, lines: int = 15) -> str:
    try:
        content = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join("    " + line for line in content[-lines:]) or "    (empty)"


PYTHON = sys.executable
