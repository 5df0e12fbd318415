"""A service of the system under test stopped and started again from a scenario.

For a service the run starts as a local process (``[services.<name>] command = [...]``):
"Given the notifications service is stopped" ends its process (as a deployment or a crash
would, with SIGTERM); "When the notifications service is started again" starts it on
the same ports and waits for its health check. A service still stopped when the scenario
ends is started again before the next one. Implemented by handoff/run/processes.py.
"""

from behave import given, when


@given("the {service:Name} service is stopped")
def step_service_stopped(context, service):
    """Example: Given the notifications service is stopped"""
    context.world.run.stop_service(service)


@when("the {service:Name} service is started again")
def step_service_started_again(context, service):
    """Example: When the notifications service is started again"""
    context.world.run.start_service(service)
