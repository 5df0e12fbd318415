"""gateway: a sandbox of a third-party payment gateway (``python -m shop.gateway``)."""
