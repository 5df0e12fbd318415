"""The stubs an environment declares (``[stubs.<name>]``), started with the run and reset per scenario."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from handoff.config.errors import ConfigError
from handoff.config.settings import Settings
from handoff.faults.names import called_name
from handoff.faults.proxy import LOOPBACK
from handoff.stubs.mappings import load_mappings
from handoff.stubs.server import StubServer


@dataclass(frozen=True)
class StubConfig:
    name: str
    called: str  # "the tax service"
    port: int  # 0: a free one
    mappings: Path | None


def stub_configs(settings: Settings) -> dict[str, StubConfig]:
    declared = settings.values.get("stubs", {})
    where = f"config/{settings.env}.toml"
    configs = {}
    for name, spec in declared.items():
        called = called_name("stub", name, spec, where, "the tax service received 1 POST /quotes")
        try:
            port = int(spec.get("port", 0) or 0)
        except (TypeError, ValueError):
            raise ConfigError(f"stub {name!r} in {where}: port = {spec.get('port')!r} is not a port number") from None
        folder = spec.get("mappings")
        configs[name] = StubConfig(name, called, port, settings.project_dir / str(folder) if folder else None)
    return configs


class Stubs:
    """The run's stubs, by name."""

    def __init__(self, configs: Mapping[str, StubConfig]) -> None:
        self.configs = dict(configs)
        self.servers: dict[str, StubServer] = {}

    def start(self) -> Stubs:
        for name, config in self.configs.items():
            mappings = load_mappings(config.mappings) if config.mappings else []
            try:
                self.servers[name] = StubServer(name, mappings, config.port).start()
            except OSError as error:
                raise ConfigError(f"stub {name!r} cannot listen on {LOOPBACK}:{config.port}: {error}") from None
        return self

    def placeholders(self) -> SimpleNamespace:
        """``{stubs.<name>.url}`` and ``{stubs.<name>.port}``."""
        return SimpleNamespace(
            **{name: SimpleNamespace(url=s.url, port=s.port, host=LOOPBACK) for name, s in self.servers.items()}
        )

    def called(self, called: str) -> StubServer | None:
        for name, config in self.configs.items():
            if config.called == called:
                return self.servers.get(name)
        return None

    def known_names(self) -> list[str]:
        return [config.called for config in self.configs.values()]

    def reset(self) -> None:
        for server in self.servers.values():
            server.reset()

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
        self.servers.clear()
