"""behave hooks: Handoff's, with the sample shop's World and parameter types."""

from handoff import hooks
from support.shop.parameter_types import register_parameter_types
from support.world import ShopWorld

register_parameter_types()


def before_scenario(context, scenario):
    """@broker scenarios need a message broker; @broker_faults ones a proxy in front of it (config/postgres.toml)."""
    run = context.world.run
    if "broker" in scenario.effective_tags and run.brokers is None:
        scenario.skip("this environment declares no message broker ([brokers.shop])")
    elif "broker_faults" in scenario.effective_tags and "broker" not in (run.proxies.configs if run.proxies else {}):
        scenario.skip("this environment puts no proxy in front of the message broker ([proxies.broker])")


hooks.install(globals(), world=ShopWorld)
