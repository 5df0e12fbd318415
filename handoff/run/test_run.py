"""One test run: the system under test made reachable, and the clients that talk to it.

:meth:`TestRun.open` does, in order: read secrets, pick ports, create throw-away
databases, start the services the environment declares (in containers, then as processes), and check
that every service and database answers (failing fast with one message naming it).
:meth:`TestRun.close` undoes all of it, whatever happened in between.

Strings in service commands, service environments and database URLs may use run
placeholders: ``{run_id}``, ``{run_dir}``, ``{python}``, ``{port}``, ``{ports.<name>}``,
``{services.<name>.url}``, ``{services.<name>.ports.<name>}``, ``{fds.<port>}`` (the
listening socket itself, for a service that can take one: see handoff/run/ports.py),
``{databases.<name>.url}``, ``{secrets.<name>}`` and ``{proxies.<name>.url}`` /
``{proxies.<name>.port}`` (fault-injecting proxies, handoff/faults/proxies.py) and
``{stubs.<name>.url}`` / ``{stubs.<name>.port}`` (stubs of third parties, handoff/stubs).
A ``[brokers.<name>]`` URL may use ``{run_dir}`` and ``{run_id}`` (handoff/messaging).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import requests

from handoff.config.settings import ConfigError, DatabaseConfig, ServiceConfig, Settings
from handoff.database.databases import Databases, check_url, url_password
from handoff.faults.proxies import FaultProxies, proxy_configs
from handoff.faults.proxy import FaultProxy
from handoff.http.client import HttpClient, ServiceClient, tls_failure_message
from handoff.report.masking import Masker
from handoff.run.ownership import RUN_FOLDER_PREFIX, RunLabel, orphaned_runs, remove_folder, stop_processes
from handoff.run.ports import PortReservations
from handoff.run.processes import PYTHON, LocalProcesses
from handoff.run.termination import EndOnTermination, uninterrupted
from handoff.stubs.server import StubServer
from handoff.stubs.stubs import Stubs, stub_configs
from handoff.tracing.tracing import RunTracing


class EnvironmentNotReady(Exception):
    """The system under test cannot be used: say which part, where, and why."""


@dataclass
class TestRun:
    settings: Settings
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    masker: Masker = field(default_factory=Masker)
    secrets: dict[str, str] = field(default_factory=dict)
    service_urls: dict[str, str] = field(default_factory=dict)
    service_ports: dict[str, dict[str, int]] = field(default_factory=dict)
    run_dir: Path | None = None
    processes: LocalProcesses | None = None
    containers: Any = None  # a handoff.containers.ContainerStack when services run in containers
    databases: Databases | None = None
    http: HttpClient | None = None
    proxy_ports: dict[str, int] = field(default_factory=dict)  # wished-for ports (a kept stack's)
    ports: PortReservations = field(default_factory=PortReservations)  # held until their service starts
    proxies: FaultProxies | None = None  # fault-injecting proxies in front of dependencies ([proxies.*])
    stubs: Stubs | None = None  # stand-ins for third parties ([stubs.*], handoff/stubs)
    termination: EndOnTermination = field(default_factory=EndOnTermination)
    label: RunLabel | None = None  # owner.json in run_dir: what a later run reaps if this one is killed
    contracts: Any = None  # a handoff.contracts.Contracts when a service names its OpenAPI description
    tracing: RunTracing | None = None  # a trace per scenario ([tracing], handoff/tracing)
    brokers: Any = None  # a handoff.messaging.brokers.Brokers when the environment declares [brokers.*]

    __test__ = False  # not a pytest test class

    @property
    def reports_dir(self) -> Path:
        return Path(self.settings.get("run.reports_dir"))

    def open(self) -> TestRun:
        self.termination.catch()  # SIGTERM and SIGHUP end the run as Ctrl-C does: close() still runs
        orphans = orphaned_runs()  # left by runs that were killed: their processes go first
        for orphan in orphans:
            stop_processes(orphan)
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"{RUN_FOLDER_PREFIX}{self.run_id}-"))
        self.label = RunLabel.for_this_process(self.run_dir, self.run_id)
        self._read_secrets()
        self._assign_addresses()
        self.containers = self._container_stack()
        self.proxies = FaultProxies(proxy_configs(self.settings)).start(self)  # before the services that use them
        self.stubs = Stubs(stub_configs(self.settings)).start()  # third parties' stand-ins, likewise
        self.databases = Databases(self._rendered_databases(), label=self.label)
        for config in self.databases.configs.values():
            check_url(config)
            self.masker.add(url_password(config.url), name=f"the password of databases.{config.name}.url")
        self.http = HttpClient(
            timeout=float(self.settings.get("http.timeout")),
            connect_timeout=float(self.settings.get("http.connect_timeout")),
            verify=self.settings.get("http.ca_bundle") or bool(self.settings.get("http.verify_tls")),
        )
        self.tracing = RunTracing.from_settings(self.settings)
        if self.tracing is not None:  # before the services, which are told where to export
            self.tracing.open()
            self.http.header_providers.append(self.tracing.request_headers)
            self.http.listeners.append(self.tracing.on_exchange)
        if self.containers is not None:  # first: their databases and dependencies serve the rest
            for service in self.settings.services.values():
                if service.in_container:
                    self.ports.release(service.name)  # the container binds them itself
            self.containers.start(self)
        self._reap_databases_and_folders(orphans)
        self.databases.create_throwaway_databases()
        self._check_brokers()  # before the services that use them: an unreachable broker is named as such
        started = [s for s in self.settings.services.values() if s.started_by_us and not s.in_container]
        if started:
            self.processes = LocalProcesses(self.reports_dir / "service-logs", on_started=self.label.add_process)
            if self.tracing is not None:
                self.processes.telemetry = lambda name: self.tracing.service_environment(name, self.run_id)
            self.processes.start(
                started,
                self.service_urls,
                self.render,
                timeout=float(self.settings.get("run.start_timeout")),
                ports=self.ports,
            )
        self.check_environment()
        if self.brokers is not None:
            try:
                self.brokers.check_observed()
            except Exception as error:
                raise EnvironmentNotReady(str(error)) from None
        self.contracts = self._contracts()
        return self

    def deaths(self) -> list[str]:
        """One sentence per service of the run that is gone (its process ended, its container stopped)."""
        found = self.processes.deaths() if self.processes is not None else []
        return found + (self.containers.deaths() if self.containers is not None else [])

    def close(self) -> None:
        """Stop what the run started and drop what it created; safe to call twice, not cut short by signals."""
        try:
            with uninterrupted():
                self._remove_everything()
        finally:
            self.termination.restore()

    def _remove_everything(self) -> None:
        self.ports.release_all()
        if self.processes is not None:
            self.processes.stop()
            self.processes = None
        if self.proxies is not None:
            self.proxies.close()
            self.proxies = None
        if self.stubs is not None:
            self.stubs.close()
            self.stubs = None
        if self.http is not None:
            self.http.close()
        if self.tracing is not None:
            self.tracing.close()
            self.tracing = None
        if self.brokers is not None:
            self.brokers.close()
            self.brokers = None
        if self.databases is not None:
            try:
                self.databases.drop_throwaway_databases()
            finally:
                self.databases = None
        if self.containers is not None:
            self.containers.close()
            self.containers = None
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    def _reap_databases_and_folders(self, orphans: list[RunLabel]) -> None:
        """What killed runs left: their databases on this run's servers, then their folders."""
        dropped = self.databases.reap(orphans)
        for orphan in orphans:
            if not orphan.databases:  # else on a server this run cannot reach: a later run, or handoff clean
                remove_folder(orphan)
        if orphans:
            print(
                f"handoff: reaped {len(orphans)} run(s) whose owner was gone "
                f"({', '.join(o.run_id for o in orphans)}): {len(dropped)} throw-away database(s) dropped",
                file=sys.stderr,
            )

    def stop_service(self, name: str) -> None:
        """Stop one of the services the run started as a process, until :meth:`start_service` (or the next scenario)."""
        self._processes_for(name).stop_service(name)

    def start_service(self, name: str) -> None:
        """Start a service stopped by :meth:`stop_service` again, on its own ports, and wait until it answers."""
        processes = self._processes_for(name)
        for port_name, port in self.service_ports.get(name, {}).items():
            self.ports.reserve_at(name, port_name, port)
        processes.start_service(
            name, self.service_urls, self.render, self.ports, timeout=float(self.settings.get("run.start_timeout"))
        )

    def start_stopped_services(self) -> None:
        """Every scenario begins with every service running: those a scenario stopped are started again."""
        if self.processes is not None:
            for name in list(self.processes.stopped):
                self.start_service(name)

    def _processes_for(self, name: str) -> LocalProcesses:
        service = self.settings.service(name)  # a clear error for an unknown name
        if self.processes is None or not service.command or service.in_container:
            raise ConfigError(
                f"service {name!r} is not started by this run as a local process, so a scenario cannot stop or "
                "start it (only services with a command, and run.start_services = true)"
            )
        return self.processes

    def dependency(self, called: str) -> FaultProxy | StubServer:
        """The proxy or stub of the dependency features call ``called`` ("the tax service")."""
        stub = self.stubs.called(called) if self.stubs else None
        if stub is not None:
            return stub
        proxies = self.proxies or FaultProxies({})
        if any(config.called == called for config in proxies.configs.values()):
            return proxies.called(called)
        known = [config.called for config in proxies.configs.values()]
        known += self.stubs.known_names() if self.stubs else []
        raise ConfigError(
            f"no dependency called {called!r} in this environment (declared: {', '.join(map(repr, known)) or 'none'}); "
            f'declare a stub of it ([stubs.<name>] called = "{called}", and let the service under test call '
            "{stubs.<name>.url}), or a proxy in front of it "
            f'([proxies.<name>] target = "<service>", called = "{called}")'
        )

    def client(self, service: str) -> ServiceClient:
        self.settings.service(service)  # a clear error for an unknown name
        return ServiceClient(self.http, service, self.service_urls[service])

    def check_environment(self) -> None:
        """Fail fast, with one message, when a service or database does not answer."""
        with requests.Session() as probe:
            probe.trust_env = False
            probe.verify = self.http.session.verify  # the same TLS trust as the run's requests
            for name, service in self.settings.services.items():
                if not service.health:  # not an HTTP service (a database server, say)
                    continue
                url = self.service_urls[name] + service.health
                try:
                    answer = probe.get(url, timeout=float(self.settings.get("http.connect_timeout")) + 1)
                except requests.exceptions.SSLError as error:
                    raise EnvironmentNotReady(tls_failure_message(name, url, error)) from None
                except requests.RequestException as error:
                    raise EnvironmentNotReady(
                        f"service {name!r} is unreachable at {url} ({type(error).__name__}). "
                        f"Is it running? Its address is services.{name}.url in "
                        f"config/{self.settings.env}.toml."
                    ) from None
                if answer.status_code >= 400:
                    raise EnvironmentNotReady(
                        f"service {name!r} answered its health check {url} with HTTP {answer.status_code}"
                    )
        for name in self.databases.configs:
            try:
                self.databases.check_reachable(name)
            except Exception as error:
                raise EnvironmentNotReady(str(error)) from None

    def render(self, service: ServiceConfig | None, template: str) -> str:
        """Fill run placeholders into a command part, an environment value or a URL."""
        values: dict[str, Any] = {
            "run_id": self.run_id,
            "run_dir": str(self.run_dir),
            "python": PYTHON,
            "secrets": SimpleNamespace(**self.secrets),
            "proxies": self.proxies.placeholders() if self.proxies else SimpleNamespace(),
            "stubs": self.stubs.placeholders() if self.stubs else SimpleNamespace(),
            "services": SimpleNamespace(
                **{
                    name: SimpleNamespace(url=url, ports=SimpleNamespace(**self.service_ports.get(name, {})))
                    for name, url in self.service_urls.items()
                }
            ),
        }
        if service is not None:  # database URLs may not refer to each other, services may
            values["databases"] = SimpleNamespace(
                **{name: SimpleNamespace(url=db.url) for name, db in self.databases.configs.items()}
            )
            ports = self.service_ports.get(service.name, {})
            values["ports"] = SimpleNamespace(**ports)
            values["port"] = ports.get("http", "")
            values["fds"] = SimpleNamespace(**self.ports.fds(service.name, [template]))
        try:
            return template.format(**values)
        except (AttributeError, KeyError, IndexError, ValueError) as error:
            where = f"service {service.name!r}" if service else "a database URL"
            raise ConfigError(f"{where} uses an unknown placeholder in {template!r}: {error}") from None

    def _container_stack(self) -> Any:
        """The stack for services declared with ``image`` or ``build``; None when there are none."""
        if not any(service.in_container for service in self.settings.services.values()):
            return None
        from handoff.containers import ContainerStack  # imports the Docker SDK only when it is used

        stack = ContainerStack.for_run(self)
        stack.adopt_kept(self)  # -D keep_services=true: the kept stack's ports and made-up secrets
        return stack

    def _contracts(self) -> Any:
        """The checks of every exchange against the services' API descriptions; None when none has one."""
        if not any(service.openapi for service in self.settings.services.values()):
            return None
        from handoff.contracts.contracts import Contracts  # openapi-core takes 0.6 s to import: only when used

        contracts = Contracts.load(self.settings, self.service_urls)
        self.http.listeners.append(contracts.on_exchange)
        if self.proxies is not None:  # calls between services, where a proxy sits in front of a described one
            self.proxies.observe_http_to(set(contracts.services))
        return contracts

    def record_calls_between_services(self) -> list[AssertionError]:
        """Tell the run's listeners of what the proxies saw services send each other since the last call.

        Returns the failed checks (a contract in ``enforce`` mode), for the scenario to fail with.
        """
        if self.proxies is None or self.contracts is None:
            return []
        from handoff.http.observed import exchange_from

        failed: list[AssertionError] = []
        for config, observed in self.proxies.take_observed():
            exchange = exchange_from(observed, config.target, self.service_urls[config.target], config.name)
            try:
                self.http.record(exchange)
            except AssertionError as error:
                failed.append(error)
        return failed

    def finish_contracts(self, results_dir: Path | None = None) -> list[str]:
        """Write the run's API coverage (reports/api-coverage.json, and beside the Allure results for the
        report); one line per described service."""
        return self.contracts.finish(self.reports_dir, results_dir) if self.contracts is not None else []

    def _check_brokers(self) -> None:
        """Connect to every declared broker before the services start; unreachable is infrastructure.

        The exchanges a broker observes are checked later, when the services have declared them."""
        if not self.settings.values.get("brokers"):
            return
        from handoff.messaging.brokers import Brokers, broker_configs  # imports kombu only when used

        self.brokers = Brokers(broker_configs(self.settings, lambda url: self.render(None, url)))
        for name, password in self.brokers.passwords().items():
            self.masker.add(password, name=f"the password of brokers.{name}.url")
        try:
            self.brokers.check()
        except Exception as error:
            raise EnvironmentNotReady(str(error)) from None

    def _rendered_databases(self) -> dict[str, DatabaseConfig]:
        return {name: replace(db, url=self.render(None, db.url)) for name, db in self.settings.databases.items()}

    def _read_secrets(self) -> None:
        for name, variable in self.settings.secret_variables().items():
            value = os.environ.get(variable)
            if not value:
                if not self.settings.start_services:
                    raise ConfigError(f"secret {name!r} is read from environment variable {variable}, which is not set")
                value = secrets.token_urlsafe(24)  # the run starts the services: it picks one
            self.secrets[name] = value
            self.masker.add(value, name=f"secret {name!r} (environment variable {variable})")

    def _assign_addresses(self) -> None:
        for name, service in self.settings.services.items():
            if service.started_by_us:
                ports = {port_name: self.ports.reserve(name, port_name) for port_name in service.ports}
                self.service_ports[name] = ports
                self.service_urls[name] = f"http://127.0.0.1:{ports[service.ports[0]]}"
            else:
                self.service_urls[name] = service.url
