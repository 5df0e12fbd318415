"""Messages through a broker: publish, await, count, inspect, and look into a queue.

Any broker declared as ``[brokers.<name>] url = "amqp://..."`` (or the embedded
``filesystem:///{run_dir}/broker``) can be named: ``broker "shop"``. Messages on the
exchanges listed in ``observe = [...]`` are seen from each scenario's first step on,
through a temporary queue of the scenario's own, so that the system's consumers lose
nothing. A routing key is matched as an AMQP topic (``order.*``, ``#``); payloads as
HTTP responses are (``#uuid``, ``##string``, ...; "matching" is equal, "containing"
at least these keys). The message found becomes "that message". Implemented by
handoff/messaging.

Example::

    When I publish to exchange "orders" of broker "shop" with routing key "order.paid"
      \"\"\"
      {"order_id": "{order_id}", "total_cents": 4500}
      \"\"\"
    Then a message "invoice.created" arrives on exchange "billing" of broker "shop" within 5 seconds containing
      \"\"\"
      {"order_id": "{order_id}"}
      \"\"\"
    And I save the message at "$.invoice_id" as "invoice_id"
"""

from behave import given, step, then, when

from handoff.adapter.project import file_folders
from handoff.matching.patterns import CONTAINS, EQUAL
from handoff.messaging import checks

ON = 'on exchange "{exchange}" of broker "{broker}"'


@given('the next message has the header "{name}" with value "{value}"')
def step_next_header(context, name, value):
    """For the next publish only. Example: Given the next message has the header "x-tenant" with value "acme" """
    context.world.messages.next_headers[name] = value


@when('I publish to exchange "{exchange}" of broker "{broker}" with routing key "{key}"')
def step_publish_to_exchange(context, exchange, broker, key):
    """The doc string is the body (JSON, or text). Example: When I publish to exchange "orders" of broker
    "shop" with routing key "order.paid" (doc string)"""
    checks.publish(context.world, broker, exchange, key, checks.publish_json_checked(context.text))


@when('I publish to queue "{queue}" of broker "{broker}"')
def step_publish_to_queue(context, queue, broker):
    """Straight to a queue (the default exchange). Example: When I publish to queue "invoices" of broker "shop" """
    world = context.world
    checks.publish(world, broker, "", "", checks.publish_json_checked(context.text), to_queue=world.render(queue))


@when("I publish that message again")
def step_publish_again(context):
    """As it was seen, message id and headers included: a redelivery. Example: When I publish that message again"""
    checks.publish_again(context.world)


@then('a message "{key}" arrives ' + ON + " within {seconds:Number} seconds")
def step_message_arrives(context, key, exchange, broker, seconds):
    """Example: Then a message "order.paid" arrives on exchange "shop.events" of broker "shop" within 5 seconds"""
    checks.await_message(context.world, broker, exchange, key, None, EQUAL, seconds)


@then('a message "{key}" arrives ' + ON + " within {seconds:Number} seconds matching")
def step_message_arrives_matching(context, key, exchange, broker, seconds):
    """The whole payload, with markers. Example: Then a message "order.*" arrives on exchange "shop.events"
    of broker "shop" within 5 seconds matching (JSON doc string)"""
    checks.await_message(context.world, broker, exchange, key, context.text, EQUAL, seconds)


@then('a message "{key}" arrives ' + ON + " within {seconds:Number} seconds containing")
def step_message_arrives_containing(context, key, exchange, broker, seconds):
    """At least these keys. Example: Then a message "order.paid" arrives on exchange "shop.events" of broker
    "shop" within 5 seconds containing (JSON doc string)"""
    checks.await_message(context.world, broker, exchange, key, context.text, CONTAINS, seconds)


@then('no message "{key}" arrives ' + ON + " within {seconds:Number} seconds")
def step_no_message(context, key, exchange, broker, seconds):
    """Waits all the seconds. Example: Then no message "order.paid" arrives on exchange "shop.events" of
    broker "shop" within 2 seconds"""
    checks.expect_count(context.world, broker, exchange, key, 0, None, EQUAL, seconds)


@then('no message "{key}" arrives ' + ON + " within {seconds:Number} seconds containing")
def step_no_message_containing(context, key, exchange, broker, seconds):
    """Example: Then no message "order.#" arrives on exchange "shop.events" of broker "shop" within 2 seconds
    containing (JSON doc string)"""
    checks.expect_count(context.world, broker, exchange, key, 0, context.text, CONTAINS, seconds)


@then('exactly {count:Count} message "{key}" arrives ' + ON + " within {seconds:Number} seconds")
@then('exactly {count:Count} messages "{key}" arrive ' + ON + " within {seconds:Number} seconds")
def step_exactly_n(context, count, key, exchange, broker, seconds):
    """Waits all the seconds, so that a late duplicate counts. Example: Then exactly 1 message "order.paid"
    arrives on exchange "shop.events" of broker "shop" within 3 seconds"""
    checks.expect_count(context.world, broker, exchange, key, count, None, EQUAL, seconds)


@then('exactly {count:Count} message "{key}" arrives ' + ON + " within {seconds:Number} seconds containing")
@then('exactly {count:Count} messages "{key}" arrive ' + ON + " within {seconds:Number} seconds containing")
def step_exactly_n_containing(context, count, key, exchange, broker, seconds):
    """Example: Then exactly 1 message "order.paid" arrives on exchange "shop.events" of broker "shop" within
    3 seconds containing (JSON doc string)"""
    checks.expect_count(context.world, broker, exchange, key, count, context.text, CONTAINS, seconds)


@then('the queue "{queue}" of broker "{broker}" holds a message containing')
def step_queue_holds(context, queue, broker):
    """Read without taking it (a dead-letter queue, say). Example: Then the queue "orders.dead-letter" of
    broker "shop" holds a message containing (JSON doc string)"""
    checks.expect_in_queue(context.world, broker, queue, context.text, CONTAINS, 0)


@then('the queue "{queue}" of broker "{broker}" holds a message within {seconds:Number} seconds containing')
def step_queue_holds_within(context, queue, broker, seconds):
    """Example: Then the queue "orders.dead-letter" of broker "shop" holds a message within 5 seconds
    containing (JSON doc string)"""
    checks.expect_in_queue(context.world, broker, queue, context.text, CONTAINS, seconds)


@then('that message matches the JSON schema in "{file}"')
def step_message_schema_file(context, file):
    """A schema file, relative to features/. Example: Then that message matches the JSON schema in
    "schemas/order_paid.json" """
    checks.expect_schema(context.world, file, file_folders(context))


@then("that message matches the JSON schema")
def step_message_schema_inline(context):
    """Example: Then that message matches the JSON schema (JSON Schema doc string)"""
    checks.expect_schema(context.world, context.text, [])


@then('that message has the header "{name}" with value "{value}"')
def step_message_header(context, name, value):
    """Example: Then that message has the header "x-tenant" with value "acme" """
    checks.expect_header(context.world, name, value)


@step('I save the message at "{path}" as "{name}"')
def step_save_from_message(context, path, name):
    """From that message's JSON body. Example: And I save the message at "$.order.id" as "order_id" """
    checks.save_value(context.world, path, name)
