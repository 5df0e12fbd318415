"""Run the mail sink: ``python -m shop.mail``."""

from shop.common.server import run_service
from shop.mail.app import Settings, create_app

run_service("mail", Settings.from_env, create_app)
