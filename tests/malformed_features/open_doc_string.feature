Feature: A doc string left open

  Scenario: the body is never closed
    When I send a POST request to catalog "/products" with
      """
      {"sku": "X"}
