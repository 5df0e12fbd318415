"""Sample e-commerce system under test for the handoff integration-test framework.

Six small services (auth, catalog, cart, orders, gateway, mail), each started as
``python -m shop.<name>``. Shared plumbing lives in :mod:`shop.common`.
"""

__version__ = "1.0.0"
