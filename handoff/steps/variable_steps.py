"""Scenario variables: values saved under a name and used later as {name}.

Values are also saved by the response, database and email steps. Built in: {uuid},
{unique_id}, {unique_email}, {now}, {today} (with offsets: {now+5m}, {today-1d}) and
{secrets.<name>}. Implemented by handoff/variables/scenario_variables.py.
"""

from behave import step

from handoff.adapter.waiting_steps import check
from handoff.matching.json_payloads import parse_expected
from handoff.variables import checks as variable_checks
from handoff.variables.scenario_variables import doc_string_value


@step('the variable "{name}" is "{value}"')
def step_set_text(context, name, value):
    """Example: Given the variable "email" is "{unique_email}" """
    context.world.variables.save(name, context.world.variables.render_value(value))


@step('the variable "{name}" is {value}')
def step_set_json(context, name, value):
    """A JSON value or number. Example: Given the variable "quantity" is 3"""
    context.world.variables.save(name, parse_expected(context.world.render(value)))


@step('the variable "{name}" is')
def step_set_document(context, name):
    """A doc string: JSON if it starts with { or [ (then {name.items.0} reaches inside), else text.
    Example: Given the variable "payload" is (doc string)"""
    world = context.world
    world.variables.save(name, doc_string_value(world.render(context.text or ""), name))


@check('the saved value "{name}" is "{expected}"')
def step_saved_value_is(context, name, expected):
    """Compares a saved value with text or a marker.

    Example: Then the saved value "order_link" is "http://shop.example.test/orders/{order_id}"
    """
    world = context.world
    variable_checks.expect_saved_value(world, name, world.render(expected))
