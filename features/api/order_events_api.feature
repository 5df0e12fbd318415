@api @broker @allure.label.epic:API_contracts
Feature: The shop's order events, with the generic vocabulary
  What the notifications service does with an order.paid it cannot read, seen from the
  broker: the message goes on to the dead-letter exchange with its reason, and waits in
  the dead-letter queue for someone to look at it.

  Scenario: An order.paid without an order is dead-lettered with its reason
    Given the variable "marker" is "evt_api_{unique_id}"
    And the next message has the header "x-sent-by" with value "features/api"
    When I publish to exchange "shop.events" of broker "shop" with routing key "order.paid"
      """
      {"event_id": "{marker}", "type": "order.paid"}
      """
    Then a message "order.paid" arrives on exchange "shop.dead-letters" of broker "shop" within 5 seconds matching
      """
      {"event_id": "{marker}", "type": "order.paid"}
      """
    And that message has the header "x-death-reason" with value "not an order.paid event: KeyError: 'order'"
    And that message has the header "x-sent-by" with value "features/api"
    And the queue "notifications.dead-letter" of broker "shop" holds a message containing
      """
      {"event_id": "{marker}"}
      """
    And no message "order.paid" arrives on exchange "shop.events" of broker "shop" within 0.5 seconds containing
      """
      {"order": "#object"}
      """
