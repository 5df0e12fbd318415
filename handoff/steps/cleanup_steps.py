"""Cleanup that always runs: any step, deferred to the end of the scenario.

The inner step must exist when it is registered; it runs after the scenario's last
step, also when the scenario failed, most recent first, with the values its
{variables} had when registered. A failing cleanup fails the scenario, naming it, and
does not stop the others. Implemented by handoff/adapter/cleanups.py.

Example::

    When I send a POST request to todo "/todos" with
      \"\"\"
      {"title": "water the plants"}
      \"\"\"
    And I save the response header "Location" as "todo_url"
    And at the end of the scenario, I send a DELETE request to todo "{todo_url}"
"""

from behave import step

from handoff.adapter.cleanups import defer


@step("at the end of the scenario, {inner_step}")
def step_at_the_end(context, inner_step):
    """Any step of the suite, with the doc string or table under it; shown in the report as its own step.
    Example: Given at the end of the scenario, I send a DELETE request to todo "{todo_url}" """
    defer(context, inner_step)
