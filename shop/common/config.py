"""Configuration read from environment variables.

Every reader raises :class:`ConfigError` naming the offending variable; the
service runner turns that into one line on stderr and exit code 2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

_MISSING = object()


class ConfigError(Exception):
    """A required environment variable is missing or has an invalid value."""


def env_str(name: str, default: str | object = _MISSING) -> str:
    """Return the non-empty value of ``name``, or ``default`` when unset."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is _MISSING:
        raise ConfigError(f"{name} is required but not set")
    return default  # type: ignore[return-value]


def env_int(name: str, default: int | object = _MISSING, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Return ``name`` parsed as an integer within ``[minimum, maximum]``."""
    raw = env_str(name, default if default is _MISSING else str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise ConfigError(f"{name} must be >= {minimum}{upper}, got {value}")
    return value


def env_float(name: str, default: float | object = _MISSING, *, minimum: float = 0.0) -> float:
    """Return ``name`` parsed as a float that is >= ``minimum``."""
    raw = env_str(name, default if default is _MISSING else str(default))
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def env_url(name: str, default: str | object = _MISSING) -> str:
    """Return ``name`` as an http(s) base URL without a trailing slash."""
    value = env_str(name, default)
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


@dataclass(frozen=True)
class ServerSettings:
    """Settings every service has: where to listen and which database to use."""

    service: str
    host: str
    port: int
    database_url: str
    listen_fd: int | None = None  # a listening socket handed over by the parent (socket activation)

    @classmethod
    def from_env(cls, service: str) -> ServerSettings:
        listen_fd = env_int("SHOP_LISTEN_FD", -1, minimum=-1)
        return cls(
            service=service,
            host=env_str("SHOP_HOST", "127.0.0.1"),
            port=env_int("SHOP_PORT", 0 if listen_fd >= 0 else _MISSING, minimum=0, maximum=65535),
            database_url=env_str("SHOP_DATABASE_URL", f"sqlite:///shop_{service}.db"),
            listen_fd=listen_fd if listen_fd >= 0 else None,
        )
