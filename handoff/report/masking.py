"""Masking of secrets in everything a run shows: report attachments, messages, logs.

Three layers, applied together by :meth:`Masker.mask`:

* structure: a secret where it is used as one, whatever its value: the password of a
  URL, credential headers (Authorization, Cookie, Set-Cookie, X-API-Key and any header
  named like a token, key, secret or password), JSON and form fields named like
  passwords, tokens, secrets and API keys;
* known values: every secret the run read or was given (API keys, tokens, passwords),
  wherever its value appears, when that value is unambiguous (:func:`masked_by_value`);
* shape: card numbers (13-19 digits passing the Luhn check, or any value of a JSON
  field named like a card number) keep only their last four digits.

A short or plain value (a database password ``shop``) is masked by structure only:
masking it everywhere would turn every "shop" of the report, service names included,
into ``****``. The run says so once, naming the secret, never showing its value.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping

MASK = "****"
# Masked wherever it appears: 8+ characters holding more than letters ("hunter22",
# "s3cr3t-token"), or 16+ characters of anything. Below that, a value is too likely to be
# a word the report needs ("shop", "orders", "postgres", "customer") or a part of one.
MIN_VALUE_LENGTH = 8
MIN_WORD_LENGTH = 16

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
_SECRET_WORDS = (
    r"password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credential|authorization|cvc|cvv"
)
_SECRET_FIELD = rf"[\w-]*(?:{_SECRET_WORDS})[\w-]*"
# Not "auth" or "credential" alone: WWW-Authenticate and Access-Control-Allow-Credentials say why a
# request was refused, and hold no secret.
_SECRET_HEADER_NAME = re.compile(
    r"(?i:authorization|password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|cookie|session|csrf)"
)
_SECRET_HEADER_LINE = re.compile(
    r"(?im)^([ \t]*(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|"
    r"[\w-]*(?:token|secret|password|api-key|apikey)[\w-]*):[ \t]*(?:(?:Bearer|Basic|Token|Digest)[ \t]+)?)\S.*$"
)
_JSON_SECRET_FIELD = re.compile(rf'("(?i:{_SECRET_FIELD})"\s*:\s*)"(?:[^"\\]|\\.)*"')
_JSON_CARD_FIELD = re.compile(r'("(?i:[\w-]*card[_-]?number|pan)"\s*:\s*")[^"]*?(\d{4})?"')
_FORM_SECRET_FIELD = re.compile(rf"(?<![\w-])((?i:{_SECRET_FIELD})=)[^&\s]+")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/?#@\s]+:)[^@/\s]+(@)", re.IGNORECASE)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def masked_by_value(value: str) -> bool:
    """A value unambiguous enough to be masked wherever it appears (see MIN_VALUE_LENGTH)."""
    return len(value) >= MIN_WORD_LENGTH or (len(value) >= MIN_VALUE_LENGTH and not value.isalpha())


def is_secret_header(name: str) -> bool:
    """A header that carries credentials: the known ones, and any named like a token, key, secret or session."""
    lowered = name.lower()
    return lowered in SECRET_HEADERS or bool(_SECRET_HEADER_NAME.search(lowered))


_CREDENTIAL_PARTS = frozenset(
    {"password", "passwords", "passwd", "pwd", "passphrase", "hash", "hashed", "hashes", "digest", "token", "tokens"}
    | {"secret", "secrets", "salt", "apikey", "credential", "credentials", "otp", "totp", "pin"}
)
_CREDENTIAL_PAIRS = frozenset({("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key")})


def is_credential_column(name: str) -> bool:
    """A column (or field) whose values are credentials by its name: password, password_hash, hash,
    token, secret, api_key / apiKey, salt... Its values are shown as ``****``."""
    parts = [part.lower() for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]
    return any(part in _CREDENTIAL_PARTS for part in parts) or any(
        pair in _CREDENTIAL_PAIRS for pair in itertools.pairwise(parts)
    )


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

    def __init__(self, secrets: Iterable[str] = (), warn: Callable[[str], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._run_secrets: set[str] = set()
        self._scenario_secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._stale = False
        self._warned: set[str] = set()
        self.warn = warn or _print_warning
        for value in secrets:
            self.add(value)

    def add(self, value: str | None, name: str = "") -> None:
        """Remember a secret of the run; from now on it never appears in output.

        ``name`` says which secret it is ("secret 'api_key'", "the password of
        databases.orders.url"): when the value is too short or plain to be masked by
        value, the run says so once under that name.
        """
        self._remember(value, self._run_secrets, name)

    def add_for_scenario(self, value: str | None, name: str = "") -> None:
        """Remember a secret until :meth:`forget_scenario_secrets` (the scenario's end)."""
        self._remember(value, self._scenario_secrets, name)

    def forget_scenario_secrets(self) -> None:
        with self._lock:
            if self._scenario_secrets:
                self._scenario_secrets.clear()
                self._stale = True

    def _remember(self, value: str | None, secrets: set[str], name: str) -> None:
        if not value:
            return
        if not masked_by_value(value):
            # once per value: five databases on one server share one password, and one line says it
            if name and value not in self._warned:
                self._warned.add(value)
                why = (
                    f"shorter than {MIN_VALUE_LENGTH} characters"
                    if len(value) < MIN_VALUE_LENGTH
                    else (f"a single word of fewer than {MIN_WORD_LENGTH} letters")
                )
                self.warn(
                    f"handoff: {name} is {why}: it is masked where it is used as a secret (URL passwords, "
                    "credential headers, fields named like secrets), not wherever its value appears"
                )
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
        text = _SECRET_HEADER_LINE.sub(rf"\1{MASK}", text)
        text = _JSON_CARD_FIELD.sub(lambda m: f'{m[1]}{"*" * 12}{m[2] or ""}"', text)
        text = _FORM_SECRET_FIELD.sub(rf"\1{MASK}", text)
        text = _URL_PASSWORD.sub(rf"\1{MASK}\2", text)
        text = _BEARER.sub(rf"\1 {MASK}", text)
        return mask_card_numbers(text)

    def mask_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {name: (MASK if is_secret_header(name) else self.mask(str(value))) for name, value in headers.items()}


def _print_warning(line: str) -> None:
    print(line, file=sys.stderr)
