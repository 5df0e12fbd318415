"""The catalog: products with prices and stock, made fresh for each scenario.

Implemented by support/shop/workflows.py (HTTP) and support/shop/records.py (SQL).
"""

from behave import given, then

from handoff.gherkin.tables import table_rows
from support.money import Money
from support.shop import expectations, workflows


@given("the catalog has these products")
def step_catalog_has_products(context):
    for row in table_rows(context.table, "product", "price", "stock"):
        workflows.add_product(context.world, row["product"], Money.parse(row["price"]), int(row["stock"]))


@given('the catalog has a "{product}" priced {price:Money}')
def step_catalog_has_product(context, product, price):
    workflows.add_product(context.world, product, price)


@given('only {stock:Count} "{product}" are left in stock')
def step_only_left_in_stock(context, stock, product):
    workflows.set_stock(context.world, product, stock)


@then('the stock of "{product}" is {stock:Count}')
@then('the stock of "{product}" is still {stock:Count}')
def step_stock_is(context, product, stock):
    expectations.expect_stock(context.world, product, stock)
