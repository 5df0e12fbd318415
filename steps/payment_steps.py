"""The payment gateway (a third party): what it charged, read from its own records.

Implemented by support/shop/workflows.py and support/shop/records.py.
"""

from behave import then

from support.money import Money
from support.shop import expectations


@then("the payment gateway charged {amount:Money} once for {name:Person}'s order")
def step_charged_once(context, amount: Money, name):
    expectations.expect_single_charge(context.world, name, amount)


@then("the payment gateway charged nothing for {name:Person}'s order")
def step_charged_nothing(context, name):
    expectations.expect_no_approved_charge(context.world, name)
