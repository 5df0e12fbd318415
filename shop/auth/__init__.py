"""auth: user accounts and bearer-token sessions (``python -m shop.auth``)."""
