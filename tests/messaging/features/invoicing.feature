Feature: Invoicing paid orders from messages
  The billing service reads paid orders from the orders exchange and announces each
  invoice on the billing exchange; the test watches both without taking anything.

  Scenario: A paid order is invoiced, once, and the consumer still gets its message
    Given the variable "order_id" is "ord_{unique_id}"
    When I publish to exchange "orders" of broker "billing" with routing key "order.paid"
      """
      {"order_id": "{order_id}", "amount_cents": 4500}
      """
    Then a message "order.paid" arrives on exchange "orders" of broker "billing" within 5 seconds containing
      """
      {"order_id": "{order_id}"}
      """
    And a message "invoice.created" arrives on exchange "billing" of broker "billing" within 5 seconds matching
      """
      {"invoice_id": "#regex inv_[0-9a-f]{12}", "order_id": "{order_id}", "amount_cents": 4500}
      """
    And that message matches the JSON schema in "invoice.json"
    And that message matches the JSON schema
      """
      {"type": "object", "properties": {"amount_cents": {"const": 4500}}}
      """
    And I save the message at "$.invoice_id" as "invoice_id"
    And exactly 1 message "invoice.*" arrives on exchange "billing" of broker "billing" within 1 seconds containing
      """
      {"order_id": "{order_id}"}
      """
    When I send a GET request to billing "/invoices"
    Then the response at "$.items[*].invoice_id" contains "{invoice_id}"

  Scenario: A redelivered order is not invoiced twice
    Given the variable "order_id" is "ord_{unique_id}"
    When I publish to exchange "orders" of broker "billing" with routing key "order.paid"
      """
      {"order_id": "{order_id}", "amount_cents": 990}
      """
    Then a message "order.paid" arrives on exchange "orders" of broker "billing" within 5 seconds
    When I publish that message again
    Then exactly 2 messages "order.paid" arrive on exchange "orders" of broker "billing" within 1 seconds
    And exactly 2 messages "order.paid" arrive on exchange "orders" of broker "billing" within 2 seconds containing
      """
      {"order_id": "{order_id}"}
      """
    And exactly 1 message "invoice.created" arrives on exchange "billing" of broker "billing" within 2 seconds containing
      """
      {"order_id": "{order_id}"}
      """

  Scenario: A message the consumer cannot read ends in the dead-letter queue
    Given the variable "marker" is "bad_{unique_id}"
    And the next message has the header "x-sent-by" with value "{marker}"
    When I publish to exchange "orders" of broker "billing" with routing key "order.paid"
      """
      {"order_id": "{marker}"}
      """
    Then a message "order.paid" arrives on exchange "billing.dead-letters" of broker "billing" within 5 seconds containing
      """
      {"order_id": "{marker}"}
      """
    And that message has the header "x-sent-by" with value "{marker}"
    And the queue "billing.dead-letter" of broker "billing" holds a message within 5 seconds containing
      """
      {"order_id": "{marker}"}
      """
    And the queue "billing.dead-letter" of broker "billing" holds a message containing
      """
      {"order_id": "{marker}"}
      """
    And no message "invoice.created" arrives on exchange "billing" of broker "billing" within 1 seconds containing
      """
      {"order_id": "{marker}"}
      """

  Scenario: Nothing published, nothing arrives
    Then no message "#" arrives on exchange "billing" of broker "billing" within 0.5 seconds

  Scenario: A message published straight to a queue reaches its consumer
    Given the variable "order_id" is "ord_{unique_id}"
    When I publish to queue "billing.orders" of broker "billing"
      """
      {"order_id": "{order_id}", "amount_cents": 100}
      """
    Then a message "invoice.created" arrives on exchange "billing" of broker "billing" within 5 seconds containing
      """
      {"order_id": "{order_id}", "amount_cents": 100}
      """
    And exactly 1 message "invoice.created" arrives on exchange "billing" of broker "billing" within 1 seconds
