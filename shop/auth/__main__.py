"""Run the auth service: ``python -m shop.auth``."""

from shop.auth.app import Settings, create_app
from shop.common.server import run_service

run_service("auth", Settings.from_env, create_app)
