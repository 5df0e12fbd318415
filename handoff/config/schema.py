"""Which configuration keys exist and what they hold, so that a misspelt key is an error.

A key nobody reads is the worst kind of mistake: ``http.timout = 10`` in a file, or
``-D http.timout=10``, would leave the timeout at its default and say nothing. Every
source is checked against this schema, and the message names the source, the key, and
the nearest known key ("did you mean 'http.timeout'?").

Sections are *fixed* (a known set of keys, each of a kind) or *named* (one table per
service, database, proxy, ...: their keys are checked here, their names are free), or
*free* (``[secrets]``, ``[data]``: whatever the project names). A section another part
of Handoff owns and checks itself may be registered with :func:`register_named_section`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from handoff.config.errors import ConfigError

SECONDS = "seconds"  # a positive, finite number
SECONDS_OR_OFF = "seconds, 0 for no limit"

FIXED: dict[str, dict[str, Any]] = {
    "run": {
        "start_services": bool,
        "start_timeout": SECONDS,
        "reports_dir": str,
        "keep_services": bool,
        "build_timeout": SECONDS,
        "setup_once": (list, str),  # ["module:function", ...], or "a:f, b:g" from -D
    },
    "http": {"timeout": SECONDS, "connect_timeout": SECONDS, "verify_tls": bool, "ca_bundle": str},
    "email": {"wait": SECONDS, "service": str},
    "step": {"timeout": SECONDS_OR_OFF},
    # plan, worker and setup_done: what the parallel runner hands its workers (handoff/parallel/runner.py)
    "parallel": {"timeout": SECONDS_OR_OFF, "plan": str, "worker": str, "setup_done": str},
    # OpenTelemetry traces per scenario (handoff/tracing): port 0 picks a free one; query is jaeger or tempo
    "tracing": {"enabled": bool, "wait": SECONDS_OR_OFF, "port": int, "query_url": str, "query": str},
}
# Per named table: its keys, and which of them hold free-form tables of their own.
NAMED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "services": (
        frozenset(
            {"url", "health", "command", "env", "ports", "image", "build", "volumes", "ready", "depends_on"}
            | {"openapi", "contract"}  # the service's API description and how strictly it holds (handoff/contracts)
        ),
        frozenset({"env", "build", "ready"}),
    ),
    "databases": (frozenset({"url", "create"}), frozenset()),
    "proxies": (frozenset({"target", "port", "protocol", "called"}), frozenset()),
    "stubs": (frozenset({"called", "port", "mappings"}), frozenset()),  # handoff/stubs
    "brokers": (frozenset({"url", "observe", "timeout"}), frozenset()),  # handoff/messaging
}
FREE = frozenset({"secrets", "data"})
TOP_LEVEL_SCALARS = {"shard": str}  # -D shard=2/4 (parallel runs)


class UnknownKey(ConfigError):
    """A configuration key that Handoff does not know (a typo, most likely), or a value of the wrong kind."""


def register_named_section(section: str, keys: set[str], free_tables: set[str] = frozenset()) -> None:
    """Declare a section of named tables (``[stubs.<name>]``) and the keys each table may hold."""
    NAMED[section] = (frozenset(keys), frozenset(free_tables))


def known_sections() -> list[str]:
    return sorted({*FIXED, *NAMED, *FREE, *TOP_LEVEL_SCALARS})


def check_file(data: Mapping[str, Any], where: str) -> None:
    """Every key of one environment file is known and holds the right kind of value."""
    for section, value in data.items():
        if section in TOP_LEVEL_SCALARS:
            continue
        if section not in known_sections():
            raise UnknownKey(_unknown(f"section [{section}]", section, known_sections(), where))
        if not isinstance(value, Mapping):
            raise UnknownKey(f"{where}: {section} must be a table ([{section}]), not {value!r}")
        if section in FIXED:
            for key, item in value.items():
                check_value(f"{section}.{key}", item, where)
        elif section in NAMED:
            keys, _ = NAMED[section]
            for name, table in value.items():
                if not isinstance(table, Mapping):
                    raise UnknownKey(f"{where}: {section}.{name} must be a table ([{section}.{name}]), not {table!r}")
                for key in table:
                    if key not in keys:
                        raise UnknownKey(
                            _unknown(
                                f"key {section}.{name}.{key}", key, sorted(keys), where, prefix=f"{section}.{name}."
                            )
                        )


def check_dotted_key(dotted: str, where: str) -> None:
    """An override's key (``-D http.timeout``, ``HANDOFF_HTTP__TIMEOUT``) names something that exists."""
    section, _, rest = dotted.partition(".")
    if section in TOP_LEVEL_SCALARS and not rest:
        return
    if section not in known_sections():
        nearest = difflib.get_close_matches(section, known_sections(), n=1, cutoff=0.6)
        if nearest and rest:  # a misspelt section: secret.api_key, databse.orders.url
            raise UnknownKey(f"{where}: unknown key {dotted!r}; did you mean {nearest[0] + '.' + rest!r}?")
        raise UnknownKey(_unknown(f"key {dotted!r}", dotted, _all_dotted_keys(), where))
    if not rest and section not in TOP_LEVEL_SCALARS:
        raise UnknownKey(f"{where}: {section!r} holds a section, not a value: name a key in it ({section}.<key>)")
    if section in FIXED:
        if rest not in FIXED[section]:
            raise UnknownKey(_unknown(f"key {dotted!r}", dotted, _all_dotted_keys(), where))
    elif section in NAMED:
        name, _, key = rest.partition(".")
        leaf = key.split(".")[0]
        keys, free_tables = NAMED[section]
        if not name or not leaf:
            raise UnknownKey(f"{where}: {dotted!r} names no key; write {section}.<name>.<key>")
        if leaf not in keys:
            raise UnknownKey(_unknown(f"key {dotted!r}", leaf, sorted(keys), where, prefix=f"{section}.{name}."))
        if "." in key and leaf not in free_tables:
            raise UnknownKey(f"{where}: {section}.{name}.{leaf} holds a value, not a table: {dotted!r}")


def check_value(dotted: str, value: Any, where: str) -> None:
    """A value of a fixed section's key is of its kind (numbers finite and in range)."""
    section, _, key = dotted.partition(".")
    if section not in FIXED:
        return
    if key not in FIXED[section]:
        raise UnknownKey(_unknown(f"key {dotted}", dotted, _all_dotted_keys(), where))
    kind = FIXED[section][key]
    if kind in (SECONDS, SECONDS_OR_OFF):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UnknownKey(f"{where}: {dotted} must be a number of seconds, not {value!r}")
        lowest_allowed = 0 if kind == SECONDS_OR_OFF else math.nextafter(0, 1)
        if not math.isfinite(value) or value < lowest_allowed:
            rule = "0 or more (0: no limit)" if kind == SECONDS_OR_OFF else "more than 0"
            raise UnknownKey(f"{where}: {dotted} = {value!r} is out of range: seconds must be finite and {rule}")
    elif not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = {
            bool: "true or false", str: "a string", int: "a whole number", list: "a list",
            (list, str): "a list or a string",
        }  # fmt: skip
        raise UnknownKey(f"{where}: {dotted} must be {names[kind]}, not {value!r}")


def _all_dotted_keys() -> list[str]:
    return [f"{section}.{key}" for section, keys in FIXED.items() for key in keys]


def _unknown(what: str, typed: str, known: list[str], where: str, prefix: str = "") -> str:
    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
    hint = f"; did you mean {prefix + close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return f"{where}: unknown {what}{hint}"
