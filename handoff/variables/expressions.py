"""Arithmetic in templates: ``{price * 2}``, ``{before.num_allocated + 2}``, ``{total - 0.01}``.

Evaluated by simpleeval (a small, well-kept safe evaluator: no ``eval``, no attributes of
Python objects, no imports), with decimal semantics for money: every number, written in
the expression or saved, is a :class:`~decimal.Decimal` (``{a + 0.2}`` with ``a`` = 0.1 is
exactly 0.3), and so is text written as a number (``"34.50"``). ``{row.field}`` reaches into
a saved object; ``round``, ``abs``, ``min``, ``max`` and ``int`` are the functions.

An expression placeholder starts with a name and holds an operator or a call, and never
``"`` or ``:``, so JSON such as ``{"a": 1}`` and regular expressions such as ``\\d{6}``
are left alone.
"""

from __future__ import annotations

import ast
import decimal
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from simpleeval import InvalidExpression, SimpleEval

from handoff.matching.numbers import is_number, numeric, to_decimal

# A name first, then an operator or a call's bracket, then names, numbers, spaces, dots, commas,
# brackets and operators on one line (plain ``{name}`` placeholders are not expressions).
EXPRESSION = r"[A-Za-z_][\w.]*[ \t]*[-+*/%(][\w \t.+\-*/%(),]*"
_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)


def _round(number: Any, places: Any = None) -> Any:
    return round(number) if places is None else round(number, int(places))


FUNCTIONS: dict[str, Callable[..., Any]] = {"round": _round, "abs": abs, "min": min, "max": max, "int": int}


class ExpressionError(ValueError):
    """A ``{...}`` expression in a step cannot be evaluated."""


Lookup = Callable[[str], Any]


def evaluate(expression: str, lookup: Lookup, known: Callable[[], str]) -> Any:
    """The value of ``expression``; ``lookup`` gives a name's value (raising LookupError if unknown).

    ``known`` names what the scenario has, for the error message.
    """
    evaluator = _DecimalEval(lookup)
    try:
        with decimal.localcontext(_CONTEXT):
            result = evaluator.eval(expression.strip())
    except LookupError as error:
        reason = _reason(error)
        listed = "" if "saved so far" in reason else f" (known: {known()})"
        raise ExpressionError(f"cannot evaluate {{{expression}}}: {reason}{listed}") from None
    except (InvalidExpression, SyntaxError, TypeError, ArithmeticError, ValueError) as error:
        raise ExpressionError(
            f"cannot evaluate {{{expression}}}: {_reason(error)} (known: {known()}). Expressions use saved "
            "values, numbers, + - * / % ( ) and round, abs, min, max, int"
        ) from None
    return result


class _DecimalEval(SimpleEval):
    """simpleeval with Decimal numbers and dictionary fields for ``a.b``."""

    def __init__(self, lookup: Lookup) -> None:
        super().__init__(functions=dict(FUNCTIONS), names=self._name)
        self.lookup = lookup
        self.nodes[ast.Constant] = self._constant
        self.nodes[ast.Attribute] = self._field

    def _name(self, node: ast.Name) -> Any:
        if node.id in self.functions:
            return self.functions[node.id]
        return as_operand(self.lookup(node.id))

    def _constant(self, node: ast.Constant) -> Any:
        if is_number(node.value):  # by its text as written: 0.10 is exactly 0.10
            return Decimal(ast.get_source_segment(self.expr, node) or repr(node.value))
        if isinstance(node.value, str):
            return as_operand(node.value)
        return node.value

    def _field(self, node: ast.Attribute) -> Any:
        container = self._eval(node.value)
        if isinstance(container, Mapping) and node.attr in container:
            return as_operand(container[node.attr])
        shown = sorted(container) if isinstance(container, Mapping) else type(container).__name__
        raise LookupError(f"{node.attr!r} is not a field of {ast.unparse(node.value)} (it has: {shown})")


def as_operand(value: Any) -> Any:
    """A value as arithmetic sees it: numbers, and text written as a number, as Decimals."""
    if is_number(value):
        return to_decimal(value)
    if isinstance(value, str):
        number = numeric(value, text=True)
        return value if number is None else number
    return value


def is_expression(text: str) -> bool:
    return re.fullmatch(EXPRESSION, text) is not None


def _reason(error: BaseException) -> str:
    if isinstance(error, (ZeroDivisionError, decimal.DivisionByZero, decimal.DivisionUndefined)):
        return "division by zero"
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    message = str(error) or type(error).__name__
    return message.split(" for expression ")[0]
