"""mail: an SMTP sink with an HTTP API to read captured messages (``python -m shop.mail``)."""
