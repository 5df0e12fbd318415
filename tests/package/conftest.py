"""The wheel built from this checkout, installed into a new virtual environment (once per session).

The environment lives in a temporary folder and is made without this checkout on its
path: what it can import is what the wheel and its dependencies (from the registry)
bring, exactly what a team gets from ``pip install handoff-bdd``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class InstalledWheel:
    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a user's shell would have: no PYTHONPATH, no virtualenv, no Handoff settings."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not name.startswith("HANDOFF_")
    }
    return {**kept, **(extra or {})}


def run(command: Sequence[str | Path], cwd: Path, timeout: float, env: Mapping[str, str] | None = None):
    """A command as a user types it, its output kept for the assertion message."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def checked(completed: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert completed.returncode == 0, (
        f"{completed.args} exited {completed.returncode}\n{completed.stdout}\n{completed.stderr}"
    )
    return completed


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory) -> InstalledWheel:
    base = tmp_path_factory.mktemp("wheel")
    checked(
        run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", base / "dist", ROOT],
            base,
            300,
        )
    )
    (wheel,) = (base / "dist").glob("handoff_bdd-*.whl")
    venv = base / "venv"
    checked(run([sys.executable, "-m", "venv", venv], base, 120))
    checked(
        run(
            [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
            base,
            600,
        )
    )
    return InstalledWheel(wheel=wheel, venv=venv)
