"""Waiting for eventual consistency: poll with backoff until a check holds or time runs out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_delay,
    wait_exponential,
)

T = TypeVar("T")


class WaitTimedOut(AssertionError):
    """The awaited condition did not hold in time."""


def wait_until(
    probe: Callable[[], T],
    accept: Callable[[T], bool],
    *,
    timeout: float,
    what: str,
    first_interval: float = 0.02,
    max_interval: float = 0.5,
) -> T:
    """Call ``probe`` until ``accept`` likes its result; return that result.

    On time-out the message says what was awaited, how many attempts were made and
    the last value seen.
    """
    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=first_interval, min=first_interval, max=max_interval),
        retry=retry_if_result(lambda value: not accept(value)),
    )
    try:
        return retrying(probe)
    except RetryError as error:
        attempt = error.last_attempt
        last = attempt.result() if not attempt.failed else attempt.exception()
        raise WaitTimedOut(
            f"{what}: still not so after {timeout:g} s and {attempt.attempt_number} attempts "
            f"(polling every {first_interval:g} s up to {max_interval:g} s); last seen: {last!r}"
        ) from None


def eventually(check: Callable[[], None], *, timeout: float, first_interval: float = 0.05, max_interval: float = 1.0):
    """Run ``check`` until it stops failing, or fail with its last failure and the attempts made."""
    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=first_interval, min=first_interval, max=max_interval),
        retry=retry_if_exception_type(AssertionError),
    )
    try:
        retrying(check)
    except RetryError as error:
        attempt = error.last_attempt
        raise WaitTimedOut(
            f"still failing after {timeout:g} s and {attempt.attempt_number} attempts "
            f"(polling every {first_interval:g} s, backing off to {max_interval:g} s); the last attempt said:\n"
            f"{attempt.exception()}"
        ) from None
