"""orders: checkout and order history (``python -m shop.orders``)."""
