"""The run's services in containers: built or found, started in dependency order, removed.

Containers use the host's network, so every service listens on the loopback ports the
run picked for it (two runs never share one), exactly as a local process would. Each
container's output is streamed to ``<logs>/<service>.log``.

Usage (what :class:`handoff.run.test_run.TestRun` does)::

    stack = ContainerStack.for_run(run)   # connects, reaps leftovers of killed runs at start()
    stack.adopt_kept(run)                 # -D keep_services=true: the kept stack's ports, secrets
    stack.start(run)                      # build, start level by level, wait until ready
    ...
    stack.close()                         # remove containers and volumes (or leave a kept stack)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from docker.errors import APIError, NotFound
from docker.models.containers import Container

from handoff.config.settings import ConfigError, ServiceConfig
from handoff.containers.engine import (
    LABEL_KEEP,
    LABEL_PORTS,
    LABEL_PROXIES,
    LABEL_RUN,
    LABEL_SECRETS,
    LABEL_SERVICE,
    LABEL_SPEC,
    connect,
    owner_labels,
    reap_leftovers,
    remove_labelled,
)
from handoff.containers.images import Images
from handoff.containers.probes import Probe, probe_for
from handoff.run.processes import ServiceStartError, tail
from handoff.run.termination import uninterrupted

if TYPE_CHECKING:
    from handoff.run.test_run import TestRun


@dataclass
class ServiceContainer:
    """One declared service in its container, with its log streamed to a file."""

    service: ServiceConfig
    container: Container
    log_path: Path
    probe: Probe
    attached: bool = False
    last_probe: str = "no probe yet"
    _stream: Any = None
    _thread: threading.Thread | None = None

    def follow_logs(self, since: int | None = None) -> None:
        self._stream = self.container.logs(stream=True, follow=True, since=since)
        self._thread = threading.Thread(target=self._copy_logs, name=f"logs-{self.service.name}", daemon=True)
        self._thread.start()

    def _copy_logs(self) -> None:
        with contextlib.suppress(Exception), self.log_path.open("ab") as log:  # ends when the stream does
            for chunk in self._stream:
                log.write(chunk)
                log.flush()

    def stop_following(self, removed: bool, wait: float = 2.0) -> None:
        """Stop copying the log: after the last line of a removed container, or now for a kept one."""
        if removed and self._thread is not None:
            self._thread.join(timeout=wait)
        if self._stream is not None:
            with contextlib.suppress(Exception):
                self._stream.close()
        if self._thread is not None:
            self._thread.join(timeout=wait)

    def state(self) -> tuple[str, int | None]:
        self.container.reload()
        status = self.container.attrs["State"]
        return status["Status"], status.get("ExitCode")


@dataclass
class ContainerStack:
    """Starts the container services of a run and removes them again."""

    run_id: str
    env: str
    log_dir: Path
    keep: bool
    start_timeout: float
    build_timeout: float
    project_dir: Path = field(default_factory=Path.cwd)
    client: Any = None
    running: list[ServiceContainer] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def for_run(cls, run: TestRun) -> ContainerStack:
        settings = run.settings
        stack = cls(
            run_id=run.run_id,
            env=settings.env,
            log_dir=run.reports_dir / "service-logs",
            keep=bool(settings.get("run.keep_services")),
            start_timeout=float(settings.get("run.start_timeout")),
            build_timeout=float(settings.get("run.build_timeout")),
            project_dir=settings.project_dir,
        )
        stack.client = connect()
        return stack

    @property
    def stack_key(self) -> str:
        """Names the kept stack: one per environment and reports folder (where its logs go)."""
        where = f"{self.project_dir}\0{self.log_dir.resolve()}"
        return f"{self.env}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"

    def _kept_containers(self) -> list[Container]:
        return self.client.containers.list(all=True, filters={"label": f"{LABEL_KEEP}={self.stack_key}"})

    def adopt_kept(self, run: TestRun) -> None:
        """In keep mode, take over the ports and made-up secrets of the stack a previous run kept."""
        if not self.keep:
            return
        adopted: dict[str, str] = {}
        for container in self._kept_containers():
            name = container.labels.get(LABEL_SERVICE, "")
            service = run.settings.services.get(name)
            ports = json.loads(container.labels.get(LABEL_PORTS, "{}"))
            if service is not None and service.in_container and set(ports) == set(service.ports):
                run.service_ports[name] = ports
                run.service_urls[name] = f"http://127.0.0.1:{ports[service.ports[0]]}"
            adopted.update(json.loads(container.labels.get(LABEL_SECRETS, "{}")))
            run.proxy_ports.update(json.loads(container.labels.get(LABEL_PROXIES, "{}")))
        for name, value in adopted.items():
            if name in _made_up_secrets(run):
                run.secrets[name] = value
                run.masker.add(value, name=f"secret {name!r}")

    def start(self, run: TestRun) -> None:
        """Build or find every image, then start the services level by level, each level ready first."""
        reaped = reap_leftovers(self.client)
        if reaped:
            print(f"handoff: removed leftovers of runs that ended without cleaning up: {', '.join(reaped)}",
                  file=sys.stderr)  # fmt: skip
        services = [s for s in run.settings.services.values() if s.in_container]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        images = Images(self.client, self.build_timeout, self.log_dir, self.project_dir)
        specs = {s.name: self._spec(s, run, images.image_id(s, lambda t, s=s: run.render(s, t))) for s in services}
        self.timings["images"] = time.monotonic() - started
        self.timings.update({f"build {tag}": seconds for tag, seconds in images.timings.items()})
        started = time.monotonic()
        if self.keep and self._attach(services, specs, run):
            self.timings["attach"] = time.monotonic() - started
            return
        if self.keep:
            remove_labelled(self.client, f"{LABEL_KEEP}={self.stack_key}")  # changed, stopped or partial
        with requests.Session() as session:
            session.trust_env = False
            for level in _levels(services):
                for service in level:
                    self.running.append(self._run(service, specs[service.name], run, session))
                self._wait_until_ready(self.running[-len(level) :], session)
        self.timings["start"] = time.monotonic() - started
        print(f"handoff: {len(self.running)} container service(s) ready in {self.timings['start']:.1f} s "
              f"(images {self.timings['images']:.1f} s)", file=sys.stderr)  # fmt: skip

    def _spec(self, service: ServiceConfig, run: TestRun, image_id: str) -> dict[str, Any]:
        render = lambda template: run.render(service, template)  # noqa: E731
        return {
            "image": image_id,
            "command": [render(part) for part in service.command],
            "env": {key: render(value) for key, value in service.env.items()},
            "volumes": [render(volume) for volume in service.volumes],
            "ports": run.service_ports[service.name],
        }

    def _run(self, service: ServiceConfig, spec: dict[str, Any], run: TestRun, session) -> ServiceContainer:
        prefix = f"handoff-{self.stack_key}" if self.keep else f"handoff-{self.run_id}"
        labels = {
            **owner_labels(self.run_id),
            LABEL_SERVICE: service.name,
            LABEL_SPEC: _hash(spec),
            LABEL_PORTS: json.dumps(spec["ports"]),
        }
        if self.keep:
            labels[LABEL_KEEP] = self.stack_key
            labels[LABEL_SECRETS] = json.dumps({n: run.secrets[n] for n in _made_up_secrets(run)})
            labels[LABEL_PROXIES] = json.dumps(run.proxies.ports() if run.proxies else {})
        container = self.client.containers.run(
            spec["image"],
            command=spec["command"] or None,
            # The OTEL_* variables (handoff/tracing) stay out of the spec's hash: the receiver's port changes per
            # run, and a kept stack goes on exporting to the run that started it (a fixed [tracing] port keeps it).
            environment={
                **(run.tracing.service_environment(service.name, run.run_id) if run.tracing else {}),
                **spec["env"],
            },
            volumes=[self._volume(volume, prefix, labels) for volume in spec["volumes"]],
            labels=labels,
            name=f"{prefix}-{service.name}",
            network_mode="host",
            detach=True,
        )
        return self._follow(service, container, run, session, attached=False)

    def _follow(self, service, container, run: TestRun, session, attached: bool) -> ServiceContainer:
        log_path = self.log_dir / f"{service.name}.log"
        log_path.write_bytes(b"")
        render = lambda template: run.render(service, template)  # noqa: E731
        probe = probe_for(service, render, run.service_urls[service.name], run.service_ports[service.name],
                          log_path, session)  # fmt: skip
        running = ServiceContainer(service, container, log_path, probe, attached=attached)
        running.follow_logs(since=int(time.time()) if attached else None)
        return running

    def _volume(self, declared: str, prefix: str, labels: dict[str, str]) -> str:
        source, _, target = declared.partition(":")
        if not target:
            raise ConfigError(f"volume {declared!r} must read source:/path[:ro]")
        if source.startswith((".", "/")):
            return f"{(self.project_dir / source).resolve()}:{target}"
        name = f"{prefix}-{source}"
        try:
            self.client.volumes.get(name)
        except NotFound:
            self.client.volumes.create(name, labels={k: v for k, v in labels.items() if k != LABEL_SERVICE})
        return f"{name}:{target}"

    def _attach(self, services: list[ServiceConfig], specs: dict[str, dict], run: TestRun) -> bool:
        kept = {c.labels.get(LABEL_SERVICE): c for c in self._kept_containers()}
        wanted = {s.name for s in services}
        if set(kept) != wanted or any(
            c.status != "running" or c.labels.get(LABEL_SPEC) != _hash(specs[name]) for name, c in kept.items()
        ):
            return False
        with requests.Session() as session:
            session.trust_env = False
            self.running = [self._follow(s, kept[s.name], run, session, attached=True) for s in services]
            try:
                self._wait_until_ready(self.running, session)
            except ServiceStartError:
                self._stop_following()
                self.running = []
                return False
        print(f"handoff: attached to the kept container stack {self.stack_key}", file=sys.stderr)
        return True

    def _wait_until_ready(self, level: list[ServiceContainer], session: requests.Session) -> None:
        deadline = time.monotonic() + self.start_timeout
        pending = list(level)
        while pending:
            for running in list(pending):
                status, code = running.state()
                if status in ("exited", "dead"):
                    time.sleep(0.2)  # let the last lines reach the log file
                    raise ServiceStartError(
                        f"service {running.service.name!r} exited with code {code} while starting "
                        f"(container {running.container.name}).\n"
                        f"Last lines of {running.log_path}:\n{tail(running.log_path)}"
                    )
                ready, running.last_probe = running.probe.check(running.container)
                if ready:
                    pending.remove(running)
                elif time.monotonic() > deadline:
                    raise ServiceStartError(
                        f"service {running.service.name!r} was not ready within {self.start_timeout:g} s "
                        f"(run.start_timeout); last probe: {running.last_probe}; container "
                        f"{running.container.name} is {status}.\n"
                        f"Last lines of {running.log_path}:\n{tail(running.log_path)}"
                    )
            if pending:
                time.sleep(0.1)

    def deaths(self) -> list[str]:
        """One sentence per started container that is no longer running, with its exit status and last log lines."""
        found = []
        for running in self.running:
            try:
                status, code = running.state()
            except NotFound:
                status, code = "removed", None
            except APIError as error:
                status, code = f"beyond reach (the engine said: {error.explanation or error})", None
            if status != "running":
                found.append(
                    f"service {running.service.name!r} (container {running.container.name}) is {status}"
                    f"{f' with exit status {code}' if code is not None else ''} during the run. "
                    f"Last lines of {running.log_path}:\n{tail(running.log_path, 5)}"
                )
        return found

    def close(self) -> None:
        """Remove what this run started (a kept stack stays); safe to call twice, not interrupted by Ctrl-C."""
        if self.client is None:
            return
        with uninterrupted():
            self._remove()

    def _remove(self) -> None:
        if self.keep and self.running and self._all_running():
            self._stop_following()
            # behave swallows what after_all prints; this line is for the person at the console
            print(f"handoff: left the container stack {self.stack_key} running (run.keep_services)",
                  file=sys.__stderr__)  # fmt: skip
        else:
            for running in reversed(self.running):
                with contextlib.suppress(NotFound, APIError):
                    running.container.remove(force=True, v=True)
            self._stop_following(removed=True)
            remove_labelled(self.client, f"{LABEL_RUN}={self.run_id}")  # also what a Ctrl-C cut short
        self.running = []
        self.client.close()
        self.client = None

    def _all_running(self) -> bool:
        try:
            return all(running.state()[0] == "running" for running in self.running)
        except (NotFound, APIError):
            return False

    def _stop_following(self, removed: bool = False) -> None:
        for running in self.running:
            running.stop_following(removed)


def _made_up_secrets(run: TestRun) -> set[str]:
    """The secrets the run invented because their variable is unset."""
    return {name for name, variable in run.settings.secret_variables().items() if not os.environ.get(variable)}


def _hash(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def _levels(services: list[ServiceConfig]) -> list[list[ServiceConfig]]:
    """Services grouped so that each group depends only on earlier groups (other kinds start later)."""
    names = {s.name for s in services}
    remaining = {s.name: s for s in services}
    done: set[str] = set()
    levels = []
    while remaining:
        level = [s for s in remaining.values() if all(d in done or d not in names for d in s.depends_on)]
        if not level:
            raise ConfigError(f"services {sorted(remaining)} depend on each other in a cycle (depends_on)")
        levels.append(level)
        done.update(s.name for s in level)
        for s in level:
            del remaining[s.name]
    return levels
