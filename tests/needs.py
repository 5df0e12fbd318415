"""What a test needs from the machine: skipped with its reason on a laptop without it; with
CI=true a failure, never a skip (CI installs everything: .ci/run)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every dependency must be there; .ci/run installs it)")
    pytest.skip(reason)
