"""Parameter types of the sample shop's vocabulary: {price:Money}, {pronoun:Pronoun}, {card:Card}."""

from __future__ import annotations

import parse
from behave import register_type

from support.money import MONEY_PATTERN, Money
from support.shop.api import CARD_PHRASES


@parse.with_pattern(MONEY_PATTERN)
def money(text: str) -> Money:
    """an amount such as 45.00 EUR"""
    return Money.parse(text)


@parse.with_pattern(r"her|his|their")
def pronoun(text: str) -> str:
    """her, his or their"""
    return text


@parse.with_pattern(CARD_PHRASES)
def card(text: str) -> str:
    """a test card phrase (see support/shop/api.py)"""
    return text


PARAMETER_TYPES = {"Money": money, "Pronoun": pronoun, "Card": card}


def register_parameter_types() -> None:
    """Before the shop's step modules are loaded: environment.py calls it."""
    register_type(**PARAMETER_TYPES)
