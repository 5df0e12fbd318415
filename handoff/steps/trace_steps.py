"""Traces: what the services did for this scenario, read from its OpenTelemetry trace.

Integration behaviour that no response shows: which requests a service received, whether
any service answered with a server error, how many database queries a service made, who
called whom. The services must be instrumented with OpenTelemetry and export to the run
(README, "Traces"). "exactly", "at least" or "at most" go before a number.
Implemented by handoff/tracing/checks.py.
"""

from behave import then

from handoff.tracing import checks


@then("during this scenario the {service} received {bound} {count:Count} {method:Method} {path}")
def step_trace_service_received(context, service, bound, count, method, path):
    """A path may hold * (any part). Example: Then during this scenario the gateway received exactly 1 POST /charges"""
    checks.expect_received(context.world, service, bound, count, method, context.world.render(path))


@then("during this scenario no service answered with a server error")
def step_trace_no_server_error(context):
    """Any service of the trace that answered 5xx fails it, named with the request.
    Example: Then during this scenario no service answered with a server error"""
    checks.expect_no_server_error(context.world)


@then("during this scenario the {service} made {bound} {count:Count} database queries")
def step_trace_database_queries(context, service, bound, count):
    """Example: Then during this scenario the orders service made at most 10 database queries"""
    checks.expect_database_queries(context.world, service, bound, count)


@then("during this scenario the {caller} called the {callee}")
def step_trace_called(context, caller, callee):
    """Example: Then during this scenario the orders service called the gateway"""
    checks.expect_called(context.world, caller, callee)
