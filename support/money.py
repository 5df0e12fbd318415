"""Money as features write it (``45.00 EUR``) and as services send it (integer cents)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MONEY_PATTERN = r"\d+(?:\.\d{1,2})? [A-Z]{3}"


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str

    @classmethod
    def parse(cls, text: str) -> Money:
        match = re.fullmatch(r"\s*(\d+(?:\.\d{1,2})?)\s+([A-Z]{3})\s*", text)
        if not match:
            raise ValueError(f"{text!r} is not an amount of money like '45.00 EUR'")
        amount, currency = match.groups()
        return cls(int(Decimal(amount) * 100), currency)

    def __mul__(self, quantity: int) -> Money:
        return Money(self.cents * quantity, self.currency)

    def __str__(self) -> str:
        return f"{self.cents // 100}.{self.cents % 100:02d} {self.currency}"
