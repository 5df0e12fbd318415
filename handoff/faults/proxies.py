"""Fault injection: the proxies an environment declares, and the faults switched on them.

An environment puts a proxy between a service and a dependency in its file::

    [proxies.gateway]
    target = "gateway"      # a service of the environment
    called = "the payment gateway"   # how features name it (default: "the gateway")
    port = "http"           # which of its ports (default: its first)
    protocol = "http"       # http, smtp or tcp (default: the port's name when http or smtp, else tcp)

and the service that calls the dependency uses the proxy's address instead of the
direct one: ``{proxies.gateway.url}`` (``http://127.0.0.1:<port>``), or
``{proxies.mail.port}`` and ``{proxies.mail.host}``. The run starts the proxies before
the services (:meth:`FaultProxies.start`), every scenario begins with every fault off
(:func:`clear_faults`), and steps switch one on with :func:`inject`, naming the
dependency as features do ("the payment gateway is down"). What each fault
means is told in :mod:`handoff.faults.proxy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from handoff.config.settings import ConfigError, Settings
from handoff.faults.http_tap import ObservedHttp
from handoff.faults.names import called_name
from handoff.faults.proxy import LOOPBACK, NO_FAULT, PROTOCOLS, Fault, FaultProxy, Mode, ProxyLoop

if TYPE_CHECKING:
    from handoff.run.test_run import TestRun

__all__ = ["Fault", "FaultProxies", "Mode", "ProxyConfig", "clear_faults", "inject", "proxy_configs"]


@dataclass(frozen=True)
class ProxyConfig:
    name: str
    target: str
    port: str
    protocol: str
    called: str  # the display name features use: "the payment gateway"


def proxy_configs(settings: Settings) -> dict[str, ProxyConfig]:
    """The proxies the environment declares, checked against its services."""
    declared = settings.values.get("proxies", {})
    where = f"config/{settings.env}.toml"
    if not isinstance(declared, Mapping):
        raise ConfigError(f"[proxies] in {where} must be a table of proxies, e.g. [proxies.gateway]")
    configs = {}
    for name, spec in declared.items():
        if not isinstance(spec, Mapping) or not spec.get("target"):
            raise ConfigError(
                f'proxy {name!r} in {where} needs a target service: [proxies.{name}] target = "<service>"'
            )
        service = settings.service(str(spec["target"]))
        port = str(spec.get("port", service.ports[0]))
        if port not in service.ports:
            raise ConfigError(
                f"proxy {name!r} in {where}: service {service.name!r} has no port {port!r} (its ports: {service.ports})"
            )
        protocol = str(spec.get("protocol", port if port in ("http", "smtp") else "tcp"))
        if protocol not in PROTOCOLS:
            raise ConfigError(f"proxy {name!r} in {where}: protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}")
        called = called_name("proxy", name, spec, where, "the payment gateway is down")
        configs[name] = ProxyConfig(name, service.name, port, protocol, called)
    return configs


class FaultProxies:
    """The run's proxies, by name; all share one event loop thread."""

    def __init__(self, configs: Mapping[str, ProxyConfig]) -> None:
        self.configs = dict(configs)
        self.proxies: dict[str, FaultProxy] = {}
        self._loop: ProxyLoop | None = None

    def start(self, run: TestRun) -> FaultProxies:
        """Listen on free loopback ports; the targets' addresses are the run's (call after assigning them)."""
        if not self.configs:
            return self
        self._loop = ProxyLoop()
        for name, config in self.configs.items():
            host, port = _target_address(run, config)
            proxy = FaultProxy(name, host, port, config.protocol, self._loop)
            self.proxies[name] = proxy.start(port=run.proxy_ports.get(name, 0))
        return self

    def ports(self) -> dict[str, int]:
        return {name: proxy.port for name, proxy in self.proxies.items()}

    def placeholders(self) -> SimpleNamespace:
        """``{proxies.<name>.url}``, ``{proxies.<name>.host}``, ``{proxies.<name>.port}``."""
        return SimpleNamespace(
            **{
                name: SimpleNamespace(url=proxy.url, host=LOOPBACK, port=proxy.port)
                for name, proxy in self.proxies.items()
            }
        )

    def inject(self, called: str, fault: Fault) -> None:
        self.called(called).set_fault(fault)

    def called(self, called: str) -> FaultProxy:
        """The proxy in front of the dependency that features call ``called`` ("the payment gateway")."""
        for name, config in self.configs.items():
            if config.called == called and name in self.proxies:
                return self.proxies[name]
        known = ", ".join(repr(config.called) for config in self.configs.values()) or "none"
        raise ConfigError(
            f"no dependency called {called!r} in this environment (declared: {known}); put a proxy in front "
            f'of it: [proxies.<name>] target = "<service>", called = "{called}" in the environment\'s file, '
            "and let the calling service use {proxies.<name>.url} instead of the direct address"
        )

    def clear(self) -> None:
        """Every proxy passes through again (only those with a fault on are touched)."""
        for proxy in self.proxies.values():
            if proxy.fault != NO_FAULT:
                proxy.set_fault(NO_FAULT)

    def proxy(self, name: str) -> FaultProxy:
        try:
            return self.proxies[name]
        except KeyError:
            known = ", ".join(sorted(self.proxies)) or "none"
            raise ConfigError(
                f"no fault-injecting proxy named {name!r} in this environment (declared: {known}); "
                f'add [proxies.{name}] target = "<service>" to the environment\'s file and let the '
                f"calling service use {{proxies.{name}.url}} instead of the direct address"
            ) from None

    def observe_http_to(self, services: set[str]) -> None:
        """Keep the HTTP exchanges of every HTTP proxy in front of one of ``services``."""
        for name, config in self.configs.items():
            if config.target in services and config.protocol == "http" and name in self.proxies:
                self.proxies[name].observe()

    def take_observed(self) -> list[tuple[ProxyConfig, ObservedHttp]]:
        """What the observing proxies forwarded since the last call, each with its proxy's configuration."""
        return [(self.configs[name], item) for name, proxy in self.proxies.items() for item in proxy.take_observed()]

    def close(self) -> None:
        for proxy in self.proxies.values():
            proxy.stop()
        self.proxies.clear()
        if self._loop is not None:
            self._loop.close()
            self._loop = None


def inject(run: TestRun, called: str, fault: Fault) -> None:
    """Switch ``fault`` on for the dependency features call ``called``, until the next scenario."""
    run.dependency(called).set_fault(fault)


def clear_faults(run: Any) -> None:
    """Switch every fault off, and give every stub its file mappings only: called before every scenario."""
    proxies: FaultProxies | None = getattr(run, "proxies", None)
    if proxies is not None:
        proxies.clear()
    stubs = getattr(run, "stubs", None)
    if stubs is not None:
        stubs.reset()


def _target_address(run: TestRun, config: ProxyConfig) -> tuple[str, int]:
    service = run.settings.service(config.target)
    ports = run.service_ports.get(service.name)
    if ports:  # the run started the service: its ports are the run's
        return LOOPBACK, int(ports[config.port])
    if config.port != service.ports[0]:
        raise ConfigError(
            f"proxy {config.name!r}: service {service.name!r} runs outside the run, so only its url's port "
            f"({service.ports[0]!r}) is known, not {config.port!r}"
        )
    address = urlsplit(run.service_urls[service.name])
    default = 443 if address.scheme == "https" else 80
    return address.hostname or LOOPBACK, address.port or default
