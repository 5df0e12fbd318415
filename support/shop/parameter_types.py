"""Parameter types of the sample shop's vocabulary: {price:Money}, {name:Person}, {card:Card}..."""

from __future__ import annotations

import parse

from support.money import MONEY_PATTERN, Money
from support.shop.api import CARD_PHRASES


@parse.with_pattern(MONEY_PATTERN)
def money(text: str) -> Money:
    return Money.parse(text)


@parse.with_pattern(r"[A-Z][a-z]+")
def person(text: str) -> str:
    return text


@parse.with_pattern(r"her|his|their")
def pronoun(text: str) -> str:
    return text


@parse.with_pattern(CARD_PHRASES)
def card(text: str) -> str:
    return text


# The shop's third parties as features name them -> the fault-injecting proxies in front
# of them ([proxies.*] in config/local.toml).
DEPENDENCIES = {"the payment gateway": "gateway", "the mail server": "mail"}


@parse.with_pattern("|".join(DEPENDENCIES))
def dependency(text: str) -> str:
    return DEPENDENCIES[text]


PARAMETER_TYPES = {"Money": money, "Person": person, "Pronoun": pronoun, "Card": card, "Dependency": dependency}
