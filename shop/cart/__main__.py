"""Run the cart service: ``python -m shop.cart``."""

from shop.cart.app import Settings, create_app
from shop.common.server import run_service

run_service("cart", Settings.from_env, create_app)
