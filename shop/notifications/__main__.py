"""Run the notifications service: ``python -m shop.notifications``."""

from shop.common.server import run_service
from shop.notifications.app import Settings, create_app

run_service("notifications", Settings.from_env, create_app)
