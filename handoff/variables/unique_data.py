"""Unique test data, so that every scenario makes its own and no two runs collide.

Names carry the run id and a counter; nothing depends on what another scenario left.
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class UniqueData:
    """Makes values that are unique within the run and across runs."""

    run_id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_counter", itertools.count(1))
        object.__setattr__(self, "_lock", threading.Lock())

    def _next(self) -> int:
        with self._lock:
            return next(self._counter)

    def suffix(self) -> str:
        return f"{self.run_id}{self._next():04d}"

    def email(self, persona: str) -> str:
        return f"{_slug(persona)}.{self.suffix()}@example.test"

    def sku(self, product_name: str) -> str:
        return f"{_slug(product_name).upper()}-{self.suffix()}"

    @staticmethod
    def password() -> str:
        return "pw-" + secrets.token_urlsafe(12)

    @staticmethod
    def idempotency_key() -> str:
        return secrets.token_hex(16)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
