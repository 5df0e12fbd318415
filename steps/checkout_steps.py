"""Checking out: paying for the cart, the order that results, its email, and retries.

Implemented by support/shop/workflows.py (HTTP) and support/shop/records.py (SQL).
"""

from behave import then, when

from handoff.gherkin.tables import table_rows
from support.money import Money
from support.shop import expectations, workflows

FAILURE_REASONS = {
    "the card was declined": "card_declined",
    "the funds are insufficient": "insufficient_funds",
    "the payment gateway was unavailable": "gateway_unavailable",
}


@when("{name:Person} checks out paying with {card:Card}")
def step_checks_out(context, name, card):
    workflows.check_out(context.world, name, card)


@when("{name:Person}'s checkout is sent again with the same request")
def step_checkout_retried(context, name):
    workflows.retry_check_out(context.world, name)


@when("{name:Person} tries to look at {owner:Person}'s order")
def step_looks_at_someone_elses_order(context, name, owner):
    workflows.look_at_order(context.world, name, owner)


@then("{name:Person}'s order is paid with a total of {total:Money}")
def step_order_paid(context, name, total: Money):
    expectations.expect_order_paid(context.world, name, total)


@then("{name:Person}'s order is not paid because {reason}")
def step_order_not_paid(context, name, reason):
    expectations.expect_order_not_paid(context.world, name, FAILURE_REASONS[reason])


@then("{name:Person}'s order is recorded with these lines")
def step_order_lines(context, name):
    expected = table_rows(context.table, "product", "quantity", "unit price", "line total")
    expectations.expect_order_lines(context.world, name, expected)


@then("{name:Person} is told {pronoun:Pronoun} cart is empty")
def step_told_cart_empty(context, name, pronoun):
    expectations.expect_refusal(context.world, name, 409, "cart_empty")


@then('{name:Person} is told "{product}" is out of stock')
def step_told_out_of_stock(context, name, product):
    expectations.expect_out_of_stock(context.world, name, product)


@then("no order is recorded for {name:Person}")
def step_no_order(context, name):
    expectations.expect_order_count(context.world, name, 0)


@then("exactly one order is recorded for {name:Person}")
def step_one_order(context, name):
    expectations.expect_order_count(context.world, name, 1)


@then("both answers show the same paid order")
def step_same_order(context):
    expectations.expect_replayed_checkout(context.world)


@then("{name:Person} receives an order confirmation email showing the total {total:Money}")
def step_receives_confirmation(context, name, total: Money):
    expectations.expect_confirmation_email(context.world, name, total)


@then("{name:Person} is told to try again later")
def step_told_try_again_later(context, name):
    expectations.expect_try_again_later(context.world, name)


@then("the shop notes that {name:Person}'s confirmation email could not be sent")
def step_unsent_confirmation_noted(context, name):
    expectations.expect_unsent_confirmation_logged(context.world, name)


@then("{name:Person} receives no order confirmation email")
def step_receives_no_confirmation(context, name):
    expectations.expect_no_confirmation_email(context.world, name)
