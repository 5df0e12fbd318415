"""The generic vocabulary (HTTP, JSON, databases, email, variables, faults), from the Handoff package."""

from handoff.steps import *  # noqa: F403
