"""catalog: products, prices and stock (``python -m shop.catalog``)."""
