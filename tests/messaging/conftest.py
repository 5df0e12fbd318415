"""The billing service's features run by behave, on the embedded broker or on a RabbitMQ of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suite.behave_run import BehaveResult, run_behave

HERE = Path(__file__).resolve().parent


def _env(broker_url: str) -> dict[str, str]:
    return {
        "HANDOFF_CONFIG_DIR": str(HERE / "config"),
        "BILLING_SCRIPT": str(HERE / "billing_service.py"),
        "BILLING_BROKER_URL": broker_url,
    }


@pytest.fixture
def run_billing(tmp_path):
    """behave against the billing service (-D env=billing); a broker URL, else the embedded broker."""

    def run(*args: str, broker_url: str | None = None, features: Path = HERE / "features") -> BehaveResult:
        url = broker_url or f"filesystem://{tmp_path / 'broker'}"  # the embedded broker: a folder
        return run_behave(tmp_path / "run", str(features), *args, "-D", "env=billing", env=_env(url))

    return run
