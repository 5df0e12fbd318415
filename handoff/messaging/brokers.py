"""The brokers an environment declares (``[brokers.<name>]``), and the run's connections to them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from handoff.config.settings import ConfigError, Settings
from handoff.messaging.connection import BrokerConnection, NoSuchDestination, url_password


@dataclass(frozen=True)
class BrokerConfig:
    name: str
    url: str
    # What each scenario watches from its start: "exchange" (every routing key: topic or
    # fanout exchanges) or "exchange/routing.key" (one binding key: a direct exchange)
    observe: tuple[str, ...] = ()
    timeout: float = 5.0


def broker_configs(settings: Settings, render: Callable[[str], str] = str) -> dict[str, BrokerConfig]:
    """The brokers the environment declares, their URLs with run placeholders filled in."""
    declared = settings.values.get("brokers", {})
    where = f"config/{settings.env}.toml"
    configs = {}
    for name, spec in declared.items():
        if not isinstance(spec, Mapping) or not spec.get("url"):
            raise ConfigError(f'broker {name!r} in {where} needs a url: [brokers.{name}] url = "amqp://..."')
        observe = spec.get("observe", [])
        if isinstance(observe, str):
            observe = [part.strip() for part in observe.split(",") if part.strip()]
        if not isinstance(observe, (list, tuple)) or not all(isinstance(item, str) and item for item in observe):
            raise ConfigError(f'brokers.{name}.observe in {where} must be a list of exchanges: ["orders.events"]')
        timeout = spec.get("timeout", 5.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError(f"brokers.{name}.timeout in {where} must be a number of seconds, not {timeout!r}")
        configs[name] = BrokerConfig(name, render(str(spec["url"])), tuple(observe), float(timeout))
    return configs


def observed_binding(spec: str) -> tuple[str, str]:
    """ "shop.events" -> ("shop.events", "#"); "audit/order.paid" -> ("audit", "order.paid")."""
    exchange, _, key = spec.partition("/")
    return exchange, key or "#"


class Brokers:
    """The run's brokers by name: one connection each, checked before the first scenario."""

    def __init__(self, configs: Mapping[str, BrokerConfig]) -> None:
        self.configs = dict(configs)
        self.connections = {name: BrokerConnection(name, c.url, c.timeout) for name, c in self.configs.items()}

    def passwords(self) -> dict[str, str]:
        return {name: p for name, c in self.configs.items() if (p := url_password(c.url))}

    def broker(self, name: str) -> BrokerConnection:
        try:
            return self.connections[name]
        except KeyError:
            known = ", ".join(repr(n) for n in sorted(self.connections)) or "none"
            raise ConfigError(
                f"no broker named {name!r} in this environment (declared: {known}); "
                f'declare it: [brokers.{name}] url = "amqp://..." in the environment\'s file'
            ) from None

    def check(self) -> None:
        """Every broker answers (raises with the broker's name and URL)."""
        for connection in self.connections.values():
            connection.connect()

    def check_observed(self) -> None:
        """Every observed exchange exists (once the services have declared theirs)."""
        for name, connection in self.connections.items():
            for spec in self.configs[name].observe:
                exchange, _ = observed_binding(spec)
                try:
                    connection.check_exchange(exchange)
                except NoSuchDestination as error:
                    raise NoSuchDestination(
                        f"{error}. brokers.{name}.observe lists it: does the system declare it "
                        "(are its services started)?"
                    ) from None

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()
