"""The run's API contracts: every exchange with a described service checked as it happens.

:class:`Contracts` listens to the run's HTTP client. For each exchange with a service
that has a description (``services.<name>.openapi``) it checks the request and the
response (handoff/contracts/conformance.py), counts the operation and status for the
coverage, and tells its listeners about each violation (the report attaches it under
the step that sent the request). What happens then is the service's ``contract`` mode:

* ``report`` (the default): the violation is attached and counted; the scenario goes on;
* ``enforce``: the step fails with :class:`ContractViolation`;
* ``off``: the exchange is not checked.

At the end of the run it writes ``reports/api-coverage.json`` and one line per service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openapi_core import OpenAPI

from handoff.config.settings import Settings
from handoff.contracts import coverage, recording
from handoff.contracts.conformance import Conformance, Violation, check_exchange
from handoff.contracts.descriptions import load_description, operations
from handoff.http.client import Exchange


class ContractViolation(AssertionError):
    """An exchange broke the service's OpenAPI description (the service's contract mode is enforce)."""


@dataclass
class DescribedService:
    name: str
    api: OpenAPI
    base_url: str
    mode: str
    coverage: coverage.ServiceCoverage


@dataclass
class Contracts:
    services: dict[str, DescribedService] = field(default_factory=dict)
    on_violations: list[Callable[[Exchange, Conformance], None]] = field(default_factory=list)
    exchanges_path: Path | None = None  # where each scenario's exchanges go (handoff/contracts/recording.py)
    _last: tuple[Exchange, Conformance] | None = None  # the latest check, for the explicit step
    _scenario: list[tuple[Exchange, Conformance]] = field(default_factory=list)

    @classmethod
    def load(cls, settings: Settings, service_urls: Mapping[str, str]) -> Contracts:
        """Read every declared description (the services are up: some serve their own)."""
        contracts = cls(exchanges_path=Path(settings.get("run.reports_dir")) / recording.FILE_NAME)
        contracts.exchanges_path.unlink(missing_ok=True)  # this run's exchanges only
        timeout = float(settings.get("http.timeout"))
        for name, service in settings.services.items():
            if not service.openapi:
                continue
            api = load_description(name, service.openapi, service_urls[name], settings.project_dir, timeout)
            contracts.services[name] = DescribedService(
                name, api, service_urls[name], service.contract, coverage.ServiceCoverage.of(operations(api))
            )
        return contracts

    def on_exchange(self, exchange: Exchange) -> None:
        described = self.services.get(exchange.service)
        if described is None or described.mode == "off" or exchange.prepared is None:
            return
        found = self.check(exchange)
        if found is None:
            return
        exchange.reads = set()  # which fields of the answer the scenario goes on to read
        self._scenario.append((exchange, found))
        described.coverage.record(found.operation, found.status, _label(exchange, found))
        described.coverage.violations += len(found.violations)
        if found.violations or found.negative:
            for listener in self.on_violations:
                listener(exchange, found)
        if found.violations and described.mode == "enforce":
            raise ContractViolation(explain(exchange, found.violations))

    def check(self, exchange: Exchange) -> Conformance | None:
        """The exchange checked against its service's description; None for a service without one."""
        described = self.services.get(exchange.service)
        if described is None or exchange.prepared is None:
            return None
        if self._last is None or self._last[0] is not exchange:
            self._last = (exchange, check_exchange(described.api, exchange, described.base_url))
        return self._last[1]

    def begin_scenario(self) -> None:
        self._scenario = []

    def end_scenario(self, name: str, location: str) -> None:
        """Keep what the scenario sent to and read from each described API (for ``handoff contracts diff``)."""
        exchanges, self._scenario = self._scenario, []
        if self.exchanges_path is not None:
            recording.append(self.exchanges_path, [recording.record(e, f, name, location) for e, f in exchanges])

    def finish(self, reports_dir: Path, results_dir: Path | None = None) -> list[str]:
        """Write the coverage file (also into the Allure results, for the report); the console lines."""
        if not self.services:
            return []
        found = {name: described.coverage for name, described in self.services.items()}
        coverage.write(reports_dir / coverage.FILE_NAME, found)
        if results_dir is not None:
            coverage.write(results_dir / coverage.FILE_NAME, found)
        return [item.summary(name) for name, item in sorted(found.items())]


def explain(exchange: Exchange, violations: list[Violation]) -> str:
    what = f"{exchange.method} {exchange.url} -> {exchange.status}"
    lines = [f"{what} breaks the API description of {exchange.service!r}:"]
    lines += [f"  - {violation.describe()}" for violation in violations]
    return "\n".join(lines)


def _label(exchange: Exchange, found: Conformance) -> str:
    operation = found.operation or f"{exchange.method} {exchange.url.split('?')[0]}"
    return f"{operation} -> {exchange.status}"
