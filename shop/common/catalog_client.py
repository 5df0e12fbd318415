"""Reading products from the catalog service (used by cart and orders)."""

from __future__ import annotations

from typing import Any

from shop.common.errors import not_found
from shop.common.http import ServiceClient


def fetch_product(catalog: ServiceClient, product_id: int) -> dict[str, Any]:
    """The catalog's product JSON; 404 ``product_not_found`` when it does not exist."""
    response = catalog.request("GET", f"/products/{product_id}")
    if response.status_code == 200:
        return response.json()
    if response.status_code == 404:
        raise not_found("product_not_found", f"product {product_id} does not exist", product_id=product_id)
    raise catalog.unexpected(response)
