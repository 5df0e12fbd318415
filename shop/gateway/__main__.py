"""Run the payment gateway sandbox: ``python -m shop.gateway``."""

from shop.common.server import run_service
from shop.gateway.app import Settings, create_app

run_service("gateway", Settings.from_env, create_app)
