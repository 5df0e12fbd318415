"""behave hooks: Handoff's, with the sample shop's World and parameter types."""

from handoff import hooks
from support.shop.parameter_types import register_parameter_types
from support.world import ShopWorld

register_parameter_types()
hooks.install(globals(), world=ShopWorld)
