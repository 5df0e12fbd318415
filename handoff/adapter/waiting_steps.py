"""Check steps, which also come in a waiting form: "... is 201" and "... is 201 within 5 seconds".

A check is a check wherever it stands: registered with behave's ``step``, it matches
after Then, and after Given or When too (behave gives "And"/"But" the keyword before
them, so "Given ... And the response status is 200" is a Given step). The step catalog
lists checks as Then (``is_check`` on the function).
"""

from __future__ import annotations

from collections.abc import Callable

from behave import step

from handoff.waiting import eventually
from handoff.world import World

WITHIN = " within {seconds:Number} seconds"


def waiting_form(pattern: str) -> str:
    """ "... is 201" -> "... is 201 within N seconds"; before a closing "with" (a table follows)."""
    if pattern.endswith(" with"):
        return pattern[: -len(" with")] + WITHIN + " with"
    return pattern + WITHIN


def check(pattern: str):
    """Register a check phrase for every keyword (see the module's docstring)."""

    def decorate(function):
        function.is_check = True
        step(pattern)(function)
        return function

    return decorate


def then_with_wait(pattern: str, refresh: Callable[[World], object] | None = None):
    """Register a check step as written and in its waiting form (see :func:`waiting_form`).

    The waiting form repeats the check (after ``refresh``, e.g. sending the request
    again) with backoff until it passes, and on time-out reports the attempts and the
    last failure.
    """

    def decorate(function):
        def waiting(context, seconds: float, **kwargs):
            first = True

            def attempt() -> None:
                nonlocal first
                if not first and refresh is not None:
                    refresh(context.world)
                first = False
                function(context, **kwargs)

            eventually(attempt, timeout=seconds)

        waiting.__doc__ = function.__doc__
        waiting.__wrapped__ = function  # what it runs, for inspection (handoff.gherkin.lint)
        waiting.waits_for = pattern  # for the step catalog
        # The waiting form first: behave takes the first definition that matches, and the
        # plain form's last parameter would swallow "within N seconds".
        check(waiting_form(pattern))(waiting)
        check(pattern)(function)
        return function

    return decorate
