"""What the shop announces to its own services, and what they do with it (order events, the email).

Implemented by support/shop/events.py on the generic message checks.
"""

from behave import then, when

from support.money import Money
from support.shop import events


@then("the shop announces once that {name:Person}'s order is paid with a total of {total:Money}")
def step_paid_announced_once(context, name, total: Money):
    events.expect_paid_announced_once(context.world, name, total)


@then("the shop announces that {name:Person}'s payment was declined")
def step_payment_failure_announced(context, name):
    events.expect_payment_failure_announced(context.world, name, "card_declined")


@then("the shop does not announce {name:Person}'s order as paid")
def step_no_paid_announcement(context, name):
    events.expect_no_paid_announcement(context.world, name)


@when("the announcement that {name:Person}'s order is paid is delivered again")
def step_paid_announcement_redelivered(context, name):
    events.redeliver_paid_announcement(context.world, name)


@when("an order announcement arrives that the shop cannot read")
def step_unreadable_announcement(context):
    events.announce_unreadable(context.world)


@then("the shop sets that announcement aside for someone to look at")
def step_unreadable_set_aside(context):
    events.expect_unreadable_set_aside(context.world)


@then("{name:Person} receives exactly one order confirmation email")
def step_exactly_one_confirmation(context, name):
    events.expect_exactly_one_confirmation(context.world, name)


@then("{name:Person} has received no order confirmation email after {seconds:Number} seconds")
def step_no_confirmation_after(context, name, seconds):
    events.expect_no_confirmation_for(context.world, name, seconds)
