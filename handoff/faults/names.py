"""How features name a dependency: ``called = "the tax service"`` in its declaration.

The rule matches the ``{dependency:Dependency}`` parameter type of the step library
(handoff/adapter/parameter_types.py): lower case, starting with "the ".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handoff.config.errors import ConfigError


def called_name(kind: str, name: str, spec: Mapping[str, Any], where: str, example: str) -> str:
    """The display name a ``[proxies.<name>]`` or ``[stubs.<name>]`` declaration gives (default: "the <name>")."""
    called = str(spec.get("called", f"the {name}"))
    if not called.startswith("the ") or called != called.lower():
        raise ConfigError(
            f'{kind} {name!r} in {where}: called = {called!r} must be lower case and start with "the ", '
            f'as features say it: "{example}"'
        )
    return called
