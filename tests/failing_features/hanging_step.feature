# Run with -D step.timeout=0.3 by tests/suite/test_failure_messages.py: the first
# scenario's request takes longer than that; the run goes on with the next one.
Feature: A step that hangs

  Scenario: The payment gateway keeps a request waiting
    Given I use the bearer token "{secrets.gateway_api_key}"
    When I send a POST request to gateway "/charges" with
      """
      {"amount_cents": 100, "currency": "EUR", "card_number": "{data.cards.too_slow}", "reference": "hang"}
      """

  Scenario: The next scenario runs as usual
    When I send a GET request to catalog "/products/999999999"
    Then the response status is 404
