"""The generic vocabulary's parameter types: {n:Count}, {seconds:Number}, {method:Method}, ...

Registered once, when the generic step library is imported (:mod:`handoff.steps`).
Each converter's docstring says what it accepts, in words (the step catalog shows it).
A suite registers its own domain types itself, with behave's ``register_type``, before
its step modules are loaded (in ``environment.py``), exactly as this module does.
"""

from __future__ import annotations

import parse
from behave import register_type


@parse.with_pattern(r"\d+")
def count(text: str) -> int:
    """a whole number"""
    return int(text)


@parse.with_pattern(r"\d+(?:\.\d+)?")
def number(text: str) -> float:
    """a number"""
    return float(text)


@parse.with_pattern(r"GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS")
def method(text: str) -> str:
    """GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"""
    return text


@parse.with_pattern(r"[A-Za-z][\w-]*")
def name(text: str) -> str:
    """a name from config/<env>.toml"""
    return text


@parse.with_pattern(r"is|contains|matches")
def header_check(text: str) -> str:
    """is, contains or matches"""
    return text


@parse.with_pattern(r"greater than|less than|at least|at most")
def comparison(text: str) -> str:
    """greater than, less than, at least or at most"""
    return text


@parse.with_pattern(r"[A-Z][a-z]+")
def person(text: str) -> str:
    """a capitalised name such as Alice"""
    return text


@parse.with_pattern(r"the [a-z][\w-]*(?: [a-z][\w-]*)*?")
def dependency(text: str) -> str:
    """a dependency as configuration calls it (``called``), such as "the payment gateway\""""
    return text


PARAMETER_TYPES = {
    "Count": count,
    "Number": number,
    "Method": method,
    "Name": name,
    "HeaderCheck": header_check,
    "Comparison": comparison,
    "Person": person,
    "Dependency": dependency,
}


def register_parameter_types() -> None:
    register_type(**PARAMETER_TYPES)
