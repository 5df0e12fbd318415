"""The shopping cart: adding, changing and removing products, and whose cart is whose.

Implemented by support/shop/workflows.py.
"""

from behave import given, then, when

from handoff.gherkin.tables import table_rows
from support.money import Money
from support.shop import expectations, workflows


@given('{name:Person} has {quantity:Count} "{product}" in {pronoun:Pronoun} cart')
def step_has_in_cart(context, name, quantity, product, pronoun):
    workflows.put_in_cart(context.world, name, product, quantity)


@given("{name:Person} has these products in {pronoun:Pronoun} cart")
def step_has_products_in_cart(context, name, pronoun):
    for row in table_rows(context.table, "product", "quantity"):
        workflows.put_in_cart(context.world, name, row["product"], int(row["quantity"]))


@when('{name:Person} adds {quantity:Count} "{product}" to {pronoun:Pronoun} cart')
def step_adds_to_cart(context, name, quantity, product, pronoun):
    workflows.add_to_cart(context.world, name, product, quantity)


@when('{name:Person} adds {quantity:Count} "{product}" to {pronoun:Pronoun} cart claiming a price of {price:Money}')
def step_adds_to_cart_claiming_price(context, name, quantity, product, pronoun, price):
    workflows.add_to_cart_claiming_price(context.world, name, product, quantity, price)


@when("{name:Person} adds a product the catalog does not have to {pronoun:Pronoun} cart")
def step_adds_unknown_product(context, name, pronoun):
    workflows.add_unknown_product(context.world, name)


@when('{name:Person} changes the quantity of "{product}" to {quantity:Count}')
def step_changes_quantity(context, name, product, quantity):
    workflows.change_quantity(context.world, name, product, quantity)


@when('{name:Person} removes "{product}" from {pronoun:Pronoun} cart')
def step_removes_from_cart(context, name, product, pronoun):
    workflows.remove_from_cart(context.world, name, product)


@when("{name:Person} looks at {pronoun:Pronoun} cart")
def step_looks_at_cart(context, name, pronoun):
    workflows.look_at_cart(context.world, name)


@when("{name:Person} tries to look at {owner:Person}'s cart")
def step_looks_at_someone_elses_cart(context, name, owner):
    workflows.look_at_cart(context.world, name, owner=owner)


@when('{name:Person} tries to add {quantity:Count} "{product}" to {owner:Person}\'s cart')
def step_adds_to_someone_elses_cart(context, name, quantity, product, owner):
    workflows.add_to_cart(context.world, name, product, quantity, owner=owner)


@then("{name:Person}'s cart contains")
def step_cart_contains(context, name):
    expected = table_rows(context.table, "product", "quantity", "line total")
    expectations.expect_cart_lines(context.world, name, expected)


@then('{name:Person}\'s cart contains {quantity:Count} "{product}"')
@then('{name:Person}\'s cart still contains {quantity:Count} "{product}"')
def step_cart_contains_one_line(context, name, quantity, product):
    expectations.expect_cart_lines(context.world, name, [{"product": product, "quantity": str(quantity)}])


@then("{name:Person}'s cart is empty")
def step_cart_is_empty(context, name):
    expectations.expect_cart_lines(context.world, name, [])


@then("{name:Person}'s cart total is {total:Money}")
def step_cart_total(context, name, total: Money):
    expectations.expect_cart_total(context.world, name, total)


@then("{name:Person} is told the {thing} does not exist")
def step_told_does_not_exist(context, name, thing):
    expectations.expect_refusal(context.world, name, 404, f"{thing.replace(' ', '_')}_not_found")
