"""Email the shop sends, as captured by the mail sink.

Implemented by support/mailbox.py, through support/shop/workflows.py.
"""

from behave import then

from support.money import Money
from support.shop import expectations


@then("{name:Person} receives an order confirmation email showing the total {total:Money}")
def step_receives_confirmation(context, name, total: Money):
    expectations.expect_confirmation_email(context.world, name, total)


@then("{name:Person} receives no order confirmation email")
def step_receives_no_confirmation(context, name):
    expectations.expect_no_confirmation_email(context.world, name)
