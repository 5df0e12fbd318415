"""The generic vocabulary only: the billing service is described by configuration."""

from handoff.steps import *  # noqa: F403
