"""The explicit contract check of a step: one exchange against its service's description."""

from __future__ import annotations

from handoff.config.errors import ConfigError
from handoff.contracts.contracts import ContractViolation, explain
from handoff.http.client import Exchange
from handoff.run.test_run import TestRun


def expect_conformance(run: TestRun, exchange: Exchange) -> None:
    found = run.contracts.check(exchange) if run.contracts is not None else None
    if found is None:
        described = sorted(run.contracts.services) if run.contracts is not None else []
        raise ConfigError(
            f"service {exchange.service!r} has no API description to check against "
            f"(described: {', '.join(described) or 'none'}); name one with "
            f'services.{exchange.service}.openapi = "<file, URL or /path it serves>" in the environment\'s file'
        )
    if found.violations:
        raise ContractViolation(explain(exchange, found.violations))
