"""API contracts: the last response held against its service's OpenAPI description.

Every exchange with a described service is checked anyway (``services.<name>.openapi``,
its ``contract`` mode saying whether a violation fails the step); this phrase checks
the last one explicitly, and fails on a violation whatever the mode.
Implemented by handoff/contracts/checks.py.
"""

from handoff.adapter.waiting_steps import check
from handoff.contracts import checks


@check("the response conforms to the API description")
def step_response_conforms(context):
    """The last request and its response, checked against the service's OpenAPI description.

    Example: Then the response conforms to the API description
    """
    checks.expect_conformance(context.world.run, context.world.http.response.exchange)
