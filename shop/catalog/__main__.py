"""Run the catalog service: ``python -m shop.catalog``."""

from shop.catalog.app import Settings, create_app
from shop.common.server import run_service

run_service("catalog", Settings.from_env, create_app)
