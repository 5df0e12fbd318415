"""Stubs of third parties: what they answer, and what they received.

Any stub declared as ``[stubs.<name>] called = "the tax service"`` (handoff/stubs) can be
named. Answers set here last until the scenario ends; the mapping files' answers stay.
The fault phrases (fault_steps) work on stubs too: "Given the tax service is down".
Implemented by handoff/stubs/checks.py.
"""

from behave import given

from handoff.adapter.waiting_steps import check
from handoff.matching.json_payloads import parse_document
from handoff.stubs import checks


@given('{dependency:Dependency} answers {method:Method} "{path}" with status {status:Count}')
def step_stub_answers(context, dependency, method, path, status):
    """Example: Given the tax service answers GET "/rates/EU" with status 404"""
    checks.answer(context.world, dependency, method, context.world.render(path), status)


@given('{dependency:Dependency} answers {method:Method} "{path}" with status {status:Count} and body')
def step_stub_answers_with_body(context, dependency, method, path, status):
    """Example: Given the tax service answers POST "/quotes" with status 200 and body (doc string)"""
    world = context.world
    checks.answer(world, dependency, method, world.render(path), status, world.render(context.text))


@check("{dependency:Dependency} received {count:Count} {method:Method} {path}")
def step_stub_received(context, dependency, count, method, path):
    """Example: Then the tax service received 1 POST /quotes"""
    checks.expect_received(context.world, dependency, count, method, context.world.render(path))


@check('{dependency:Dependency} received a {method:Method} request to "{path}" with body')
def step_stub_received_body(context, dependency, method, path):
    """Markers allowed, as in "the response matches". Example:
    Then the tax service received a POST request to "/quotes" with body (JSON doc string)"""
    world = context.world
    expected = parse_document(world.render(context.text))
    checks.expect_received_body(world, dependency, method, world.render(path), expected)
