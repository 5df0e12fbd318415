"""Handoff: behaviour-driven integration tests on Gherkin.

A suite uses it with two lines: ``from handoff.steps import *`` in a module of its
``steps/`` folder (the generic vocabulary) and ``hooks.install(globals())`` in its
``environment.py`` (``from handoff import hooks``).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.2.0"

__all__ = ["World", "__version__", "hooks"]


def __getattr__(name: str) -> Any:
    # Lazily, so that ``import handoff`` (the command line) stays cheap.
    if name == "hooks":
        return import_module("handoff.adapter.hooks")
    if name == "World":
        return import_module("handoff.world").World
    raise AttributeError(f"module 'handoff' has no attribute {name!r}")
