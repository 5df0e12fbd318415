"""cart: one shopping cart per user (``python -m shop.cart``)."""
