"""Run the orders service: ``python -m shop.orders``."""

from shop.common.server import run_service
from shop.orders.app import Settings, create_app

run_service("orders", Settings.from_env, create_app)
