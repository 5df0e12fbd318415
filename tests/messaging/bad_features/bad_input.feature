Feature: Mistakes in message steps, told clearly

  Scenario: An unknown broker
    When I publish to exchange "orders" of broker "bililng" with routing key "order.paid"
      """
      {"order_id": "x"}
      """

  Scenario: A malformed message body
    When I publish to exchange "orders" of broker "billing" with routing key "order.paid"
      """
      {"order_id": "x",}
      """

  Scenario: A queue that does not exist
    When I publish to queue "billing.ordres" of broker "billing"
      """
      {"order_id": "x"}
      """

  Scenario: An exchange nobody observes
    Then a message "order.paid" arrives on exchange "audit" of broker "billing" within 1 seconds

  Scenario: A message that does not come
    When I publish to exchange "orders" of broker "billing" with routing key "order.paid"
      """
      {"order_id": "late", "amount_cents": 1}
      """
    Then a message "order.paid" arrives on exchange "orders" of broker "billing" within 1 seconds containing
      """
      {"order_id": "other"}
      """
