"""Checks of an HTTP response: status, values at JSON paths (also negated and compared),
whole payloads, each element of an array, schemas, headers and time. Each failure shows
expected and actual and the exchange behind them; a wrong status also shows the
response's body (masked, the first 1000 characters), since an error's body usually says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handoff.http.client import Response, cap, pretty_json
from handoff.matching.checker import Checker
from handoff.matching.comparisons import Comparison
from handoff.matching.json_payloads import describe_mismatches, find, find_all, load_schema, pretty, schema_errors
from handoff.matching.patterns import CONTAINS, EQUAL, MISSING, each_element, match

STATUS_BODY_LIMIT = 1000  # characters of the body a wrong status shows in the console; the report has it all


def expect_status(check: Checker, response: Response, status: int) -> None:
    if response.status == status:
        return
    detail = f"expected: {status!r}\nactual:   {response.status!r}"
    if response.text:
        # masked before it is cut, so that no secret is cut in two and left half readable
        body = cap(check.masker.mask(pretty_json(response.text)), STATUS_BODY_LIMIT)
        detail += "\nresponse body:\n" + "\n".join("  " + line for line in body.splitlines())
    check.fail("response status", detail, response.exchange)


def expect_status_not(check: Checker, response: Response, status: int) -> None:
    check.that(
        response.status != status,
        "response status",
        f"expected: anything but {status}\nactual:   {response.status}",
        response.exchange,
    )


def expect_value(check: Checker, response: Response, path: str, expected: Any, mode: str = EQUAL) -> None:
    actual = find(response.json(), path)
    mismatches = match(actual, expected, mode, path=path)
    if mismatches:
        detail = "\n".join(str(m) for m in mismatches)
        check.fail(f"response value at {path}", detail, response.exchange)


def expect_value_not(check: Checker, response: Response, path: str, expected: Any, mode: str = EQUAL) -> None:
    """The value at the path is not (``contains``: does not contain) the expected one; it must be there."""
    actual = value_at(check, response, path)
    if not match(actual, expected, mode, path=path):
        how = "anything but" if mode == EQUAL else "a value not containing"
        check.fail(
            f"response value at {path}",
            f"expected: {how} {pretty(expected)}\nactual:   {pretty(actual)}",
            response.exchange,
        )


def expect_comparison(check: Checker, response: Response, path: str, comparison: Comparison) -> None:
    """The value at the path is greater than, at least, ... a bound (numbers as Decimals)."""
    actual = find(response.json(), path)
    failure = comparison.failure(actual)
    if failure is not None:
        check.fail(
            f"response value at {path}",
            f"expected: {comparison.describe()}\nactual:   {pretty(actual)}",
            response.exchange,
        )


def expect_each(check: Checker, response: Response, path: str, expected: Any, mode: str = EQUAL) -> None:
    """Every element of the array at the path matches (``contains``: contains) the pattern; an empty array fails."""
    actual = find(response.json(), path)
    what = f"each element of the response at {path} ({mode})"
    if not isinstance(actual, list) or not actual:
        wanted = "an array with at least one element" if isinstance(actual, list) else "an array"
        check.fail(what, f"expected: {wanted}\nactual:   {pretty(actual)}", response.exchange)
    mismatches = each_element(actual, expected, CONTAINS if mode == CONTAINS else EQUAL, path)
    if mismatches:
        check.fail(what, describe_mismatches(mismatches, expected, actual), response.exchange)


def expect_pattern(check: Checker, response: Response, path: str, pattern: str) -> None:
    actual = find(response.json(), path)
    ok = isinstance(actual, str) and re.search(pattern, actual) is not None
    check.that(
        ok,
        f"response value at {path}",
        f"expected text matching /{pattern}/\nactual:   {pretty(actual)}",
        response.exchange,
    )


def expect_payload(check: Checker, response: Response, expected: Any, mode: str = EQUAL, path: str = "$") -> None:
    actual = response.json() if path == "$" else find(response.json(), path)
    mismatches = match(actual, expected, mode, path=path)
    if mismatches:
        check.fail(f"response payload ({mode})", describe_mismatches(mismatches, expected, actual), response.exchange)


def expect_schema(check: Checker, response: Response, schema_source: str, folders: Sequence[Path]) -> None:
    errors = schema_errors(response.json(), load_schema(schema_source, folders))
    if errors:
        listed = "\n".join(f"  {error}" for error in errors[:20])
        check.fail("response against its JSON schema", f"{len(errors)} violation(s):\n{listed}", response.exchange)


def expect_header(check: Checker, response: Response, name: str, expected: str, how: str) -> None:
    actual = response.headers.get(name)
    if how == "is":
        ok = actual == expected
    elif how == "contains":
        ok = actual is not None and expected in actual
    else:
        ok = actual is not None and re.search(expected, actual) is not None
    check.that(
        ok, f"response header {name}", f"expected it {how} {expected!r}\nactual:   {actual!r}", response.exchange
    )


def expect_time_under(check: Checker, response: Response, limit_ms: float) -> None:
    elapsed = response.exchange.elapsed_ms
    check.that(
        elapsed < limit_ms,
        "response time",
        f"expected under {limit_ms:g} ms\nactual:   {elapsed:.1f} ms",
        response.exchange,
    )


def value_at(check: Checker, response: Response, path: str) -> Any:
    value = find(response.json(), path)
    check.that(value is not MISSING, f"response value at {path}", "nothing is there", response.exchange)
    return value


def first_match(check: Checker, response: Response, path: str) -> Any:
    """The first value a JSON path (a filter, a wildcard) selects; a failure when it selects none."""
    found = find_all(response.json(), path)
    check.that(bool(found), f"response values at {path}", "nothing matches", response.exchange)
    return found[0]
