"""Masking of secrets in everything a run shows: report attachments, messages, logs.

Three layers, applied together by :meth:`Masker.mask`:

* known values: every secret the run read or was given (API keys, tokens, passwords);
* structure: credentials in HTTP headers, JSON fields named like secrets, URL passwords;
* shape: card numbers (13-19 digits passing the Luhn check, or any value of a JSON
  field named like a card number) keep only their last four digits.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping

MASK = "****"

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-csrftoken",
        "x-csrf-token",
        "x-service-token",
    }
)
_SECRET_FIELD = r"[\w-]*(?:password|passwd|secret|token|api[_-]?key|authorization|cvc|cvv)[\w-]*"
_JSON_SECRET_FIELD = re.compile(rf'("(?i:{_SECRET_FIELD})"\s*:\s*)"(?:[^"\\]|\\.)*"')
_JSON_CARD_FIELD = re.compile(r'("(?i:[\w-]*card[_-]?number|pan)"\s*:\s*")[^"]*?(\d{4})?"')
_FORM_SECRET_FIELD = re.compile(rf"(?<![\w-])((?i:{_SECRET_FIELD})=)[^&\s]+")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/?#@\s]+:)[^@/\s]+(@)", re.IGNORECASE)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
            return match.group()
        return "*" * (len(digits) - 4) + digits[-4:]

    return _CARD_CANDIDATE.sub(replace, text)


class Masker:
    """Hides secrets; thread-safe, shared by the whole run.

    The run's secrets (configured secrets, database passwords) are kept for the whole
    run; a scenario's own (its people's passwords and session tokens) are forgotten when
    the scenario ends, since no later scenario can show them. That keeps masking as fast
    in the thousandth scenario as in the first.
    """

    MIN_SECRET_LENGTH = 4

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._run_secrets: set[str] = set()
        self._scenario_secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._stale = False
        for value in secrets:
            self.add(value)

    def add(self, value: str | None) -> None:
        """Remember a secret of the run; from now on it never appears in output."""
        self._remember(value, self._run_secrets)

    def add_for_scenario(self, value: str | None) -> None:
        """Remember a secret until :meth:`forget_scenario_secrets` (the scenario's end)."""
        self._remember(value, self._scenario_secrets)

    def forget_scenario_secrets(self) -> None:
        with self._lock:
            if self._scenario_secrets:
                self._scenario_secrets.clear()
                self._stale = True

    def _remember(self, value: str | None, secrets: set[str]) -> None:
        if not value or len(value) < self.MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value not in self._run_secrets and value not in secrets:
                secrets.add(value)
                self._stale = True

    def _known_secrets(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._stale:  # compiled once per change, not once per secret added
                ordered = sorted(self._run_secrets | self._scenario_secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None
                self._stale = False
            return self._pattern

    def mask(self, text: str) -> str:
        if not text:
            return text
        pattern = self._known_secrets()
        if pattern is not None:
            text = pattern.sub(MASK, text)
        text = _JSON_SECRET_FIELD.sub(rf'\1"{MASK}"', text)
        text = _JSON_CARD_FIELD.sub(lambda m: f'{m[1]}{"*" * 12}{m[2] or ""}"', text)
        text = _FORM_SECRET_FIELD.sub(rf"\1{MASK}", text)
        text = _URL_PASSWORD.sub(rf"\1{MASK}\2", text)
        text = _BEARER.sub(rf"\1 {MASK}", text)
        return mask_card_numbers(text)

    def mask_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in SECRET_HEADERS else self.mask(str(value))) for name, value in headers.items()
        }
