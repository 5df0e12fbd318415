"""Generic checks of the last HTTP response, and values saved from it.

Every check can end in "within N seconds": the request is sent again with backoff
until the check holds. Expected values are JSON ("PAID", 12, true, null) or markers
(#string, #uuid, #regex ^ord_, ##number, #>= 1 ...; see handoff/matching/patterns.py). Numbers
compare as numbers (34.50 is 34.5) and, in "greater than" and the like, as decimals.
Implemented by handoff/http/response_checks.py.
"""

from behave import step

from handoff.adapter.project import file_folders
from handoff.adapter.waiting_steps import then_with_wait
from handoff.http import response_checks
from handoff.matching.comparisons import BETWEEN, comparison
from handoff.matching.json_payloads import parse_document, parse_expected
from handoff.matching.patterns import CONTAINS, CONTAINS_ONLY, EQUAL


def _resend(world):
    world.http.resend()


@then_with_wait("the response status is {status:Count}", refresh=_resend)
def step_status(context, status):
    """Example: Then the response status is 201"""
    response_checks.expect_status(context.world.check, context.world.http.response, status)


@then_with_wait("the response status is not {status:Count}", refresh=_resend)
def step_status_not(context, status):
    """Example: Then the response status is not 500"""
    response_checks.expect_status_not(context.world.check, context.world.http.response, status)


# "is not", "is between" and "is greater than" before "is {expected}", which would take them for a value.
@then_with_wait('the response at "{path}" is not {expected}', refresh=_resend)
def step_value_is_not(context, path, expected):
    """Anything but the value; something must be there. Example: Then the response at "$.status" is not "FAILED" """
    world = context.world
    wanted = parse_expected(world.render(expected))
    response_checks.expect_value_not(world.check, world.http.response, path, wanted, EQUAL)


@then_with_wait('the response at "{path}" is between {low} and {high}', refresh=_resend)
def step_value_between(context, path, low, high):
    """Both bounds included; numbers compare as decimals, ISO dates in time order.

    Example: Then the response at "$.total" is between 10 and {budget}
    """
    world = context.world
    bounds = comparison(BETWEEN, world.variables.render_value(low), world.variables.render_value(high))
    response_checks.expect_comparison(world.check, world.http.response, path, bounds)


@then_with_wait('the response at "{path}" is {relation:Comparison} {bound}', refresh=_resend)
def step_value_compared(context, path, relation, bound):
    """Numbers compare as decimals, ISO dates in time order (also: less than, at least, at most).

    Example: Then the response at "$.total" is greater than {previous_total}
    """
    world = context.world
    wanted = comparison(relation, world.variables.render_value(bound))
    response_checks.expect_comparison(world.check, world.http.response, path, wanted)


@then_with_wait('the response at "{path}" is {expected}', refresh=_resend)
def step_value_is(context, path, expected):
    """JSON or a marker: #uuid, #>= 1, #between 1 and 5, #!= 0, #[] {"id": "#number"} (each element matches).

    Example: Then the response at "$.status" is "PAID"
    """
    world = context.world
    wanted = parse_expected(world.render(expected))
    response_checks.expect_value(world.check, world.http.response, path, wanted, EQUAL)


# Before "contains {expected}", which would otherwise take "contains only" for a value.
@then_with_wait('the response at "{path}" contains only', refresh=_resend)
def step_array_contains_only(context, path):
    """The same elements in any order. Example: Then the response at "$.items" contains only (doc string)"""
    world = context.world
    expected = parse_document(world.render(context.text))
    response_checks.expect_payload(world.check, world.http.response, expected, CONTAINS_ONLY, path)


@then_with_wait('the response at "{path}" contains {expected}', refresh=_resend)
def step_value_contains(context, path, expected):
    """Example: Then the response at "$.items[*].sku" contains "{sku}" """
    world = context.world
    wanted = parse_expected(world.render(expected))
    response_checks.expect_value(world.check, world.http.response, path, wanted, CONTAINS)


@then_with_wait('the response at "{path}" does not contain {expected}', refresh=_resend)
def step_value_does_not_contain(context, path, expected):
    """No such element (or text); something must be there.

    Example: Then the response at "$.items[*].sku" does not contain "{removed_sku}"
    """
    world = context.world
    wanted = parse_expected(world.render(expected))
    response_checks.expect_value_not(world.check, world.http.response, path, wanted, CONTAINS)


@then_with_wait('each element of the response at "{path}" matches', refresh=_resend)
def step_each_matches(context, path):
    """Karate's match each: every element matches the pattern; an empty array fails.

    Example: Then each element of the response at "$.items" matches (doc string: {"id": "#number", "title": "#string"})
    """
    world = context.world
    expected = parse_document(world.render(context.text))
    response_checks.expect_each(world.check, world.http.response, path, expected, EQUAL)


@then_with_wait('each element of the response at "{path}" contains', refresh=_resend)
def step_each_contains(context, path):
    """Every element has at least these keys and values; an empty array fails.

    Example: Then each element of the response at "$.items" contains (doc string: {"done": false})
    """
    world = context.world
    expected = parse_document(world.render(context.text))
    response_checks.expect_each(world.check, world.http.response, path, expected, CONTAINS)


@then_with_wait('the response at "{path}" matches "{pattern}"', refresh=_resend)
def step_value_matches(context, path, pattern):
    """Example: Then the response at "$.id" matches "^ord_[0-9a-f]+$" """
    response_checks.expect_pattern(context.world.check, context.world.http.response, path, pattern)


@then_with_wait("the response matches", refresh=_resend)
def step_payload_matches(context):
    """The whole payload, with markers. Example: Then the response matches (JSON doc string)"""
    world = context.world
    response_checks.expect_payload(world.check, world.http.response, parse_document(world.render(context.text)))


@then_with_wait("the response contains", refresh=_resend)
def step_payload_contains(context):
    """At least these keys and elements. Example: Then the response contains (JSON doc string)"""
    world = context.world
    expected = parse_document(world.render(context.text))
    response_checks.expect_payload(world.check, world.http.response, expected, CONTAINS)


@then_with_wait("the response matches the JSON schema", refresh=_resend)
def step_schema_inline(context):
    """Example: Then the response matches the JSON schema (JSON Schema doc string)"""
    response_checks.expect_schema(context.world.check, context.world.http.response, context.text, [])


@then_with_wait('the response matches the JSON schema in "{file}"', refresh=_resend)
def step_schema_file(context, file):
    """A schema file, relative to features/.

    Example: Then the response matches the JSON schema in "schemas/order.json"
    """
    response_checks.expect_schema(context.world.check, context.world.http.response, file, file_folders(context))


@then_with_wait('the response header "{name}" {how:HeaderCheck} "{value}"', refresh=_resend)
def step_header(context, name, how, value):
    """Example: Then the response header "Content-Type" contains "json" (also: is, matches)"""
    world = context.world
    response_checks.expect_header(world.check, world.http.response, name, world.render(value), how)


@then_with_wait("the response arrives in under {limit:Number} ms", refresh=_resend)
def step_response_time(context, limit):
    """Example: Then the response arrives in under 500 ms"""
    response_checks.expect_time_under(context.world.check, context.world.http.response, limit)


@step('I save the response at "{path}" as "{name}"')
def step_save_value(context, path, name):
    """Example: And I save the response at "$.id" as "order_id" """
    world = context.world
    world.variables.save(name, response_checks.value_at(world.check, world.http.response, path))


@step('I save the first match of "{path}" as "{name}"')
def step_save_first_match(context, path, name):
    """A filter or wildcard selects a list ("I save the response at" saves it whole, {name.0} is its first);
    this saves its first element. Example: And I save the first match of "$.items[?(@.sku == 'LAMP')].id" as "id" """
    world = context.world
    world.variables.save(name, response_checks.first_match(world.check, world.http.response, path))


@step('I save the response header "{header}" as "{name}"')
def step_save_header(context, header, name):
    """Example: And I save the response header "Location" as "order_url" """
    world = context.world
    value = world.http.response.headers.get(header)
    world.check.that(value is not None, f"response header {header}", "it is not there", world.http.response.exchange)
    world.variables.save(name, value)


@step('I save the cookie "{cookie}" as "{name}"')
def step_save_cookie(context, cookie, name):
    """The last caller's cookie. Example: And I save the cookie "sessionid" as "session" """
    world = context.world
    caller = world.http.last_caller
    value = caller.cookies.get(cookie)
    world.check.that(value is not None, f"{caller.name}'s cookie {cookie}", "there is no such cookie")
    world.variables.save(name, value)
