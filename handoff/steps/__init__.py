"""The generic step library: HTTP, responses, API contracts, databases, email, messages, variables,
faults, stubs, cleanups, traces, services stopped and started.

A suite loads it with one module in its ``steps/`` folder::

    # steps/handoff_steps.py
    from handoff.steps import *  # noqa: F403

Importing it registers the generic parameter types ({n:Count}, {service:Name}, ...)
and every generic phrase with behave. The catalog of phrases: ``handoff steps``.
"""

from handoff.adapter.parameter_types import register_parameter_types

register_parameter_types()

from handoff.steps import (  # noqa: E402 - the types above must be registered first
    cleanup_steps,
    contract_steps,
    database_steps,
    email_steps,
    fault_steps,
    http_steps,
    message_steps,
    response_steps,
    service_steps,
    stub_steps,
    trace_steps,
    variable_steps,
)

__all__ = [
    "cleanup_steps",
    "contract_steps",
    "database_steps",
    "email_steps",
    "fault_steps",
    "http_steps",
    "message_steps",
    "response_steps",
    "service_steps",
    "stub_steps",
    "trace_steps",
    "variable_steps",
]
