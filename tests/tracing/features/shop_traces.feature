Feature: The sample shop's traces, checked and drawn
  Each scenario is one trace; the shop's services export their spans to the run.
  Scenarios marked "(fails)" fail on purpose: tests/tracing/test_shop_traces.py reads
  their messages and their pictures.

  Background:
    Given the variable "email" is "{unique_email}"
    When I send a POST request to auth "/users" with
      """
      {"email": "{email}", "password": "correct horse battery", "name": "Cleo"}
      """
    And I send a POST request to auth "/sessions" with
      """
      {"email": "{email}", "password": "correct horse battery"}
      """
    And I save the response at "$.token" as "token"
    And I use the bearer token "{token}"
    And the request header "X-Service-Token" is "{secrets.shop_service_token}"
    And I send a POST request to catalog "/products" with
      """
      {"sku": "TRACE-{unique_id}", "name": "Traced Towel", "price_cents": 800, "currency": "EUR", "stock": 5}
      """
    And I save the response at "$.id" as "product_id"
    And I send a GET request to cart "/cart"
    And I save the response at "$.id" as "cart_id"
    And I send a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": 1}
      """
    And the request header "Idempotency-Key" is "{uuid}"

  Scenario: A paid checkout, seen in its trace
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    Then the response status is 201
    And during this scenario the gateway received exactly 1 POST /charges
    And during this scenario the cart service received at least 1 DELETE /carts/*/items
    And during this scenario the orders service called the gateway
    And during this scenario the orders service made at most 40 database queries
    And during this scenario no service answered with a server error

  Scenario: The gateway fails (fails)
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.server_error}"}
      """
    Then during this scenario no service answered with a server error

  Scenario: Counting charges wrongly (fails)
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    Then during this scenario the gateway received exactly 2 POST /charges

  Scenario: Too few queries allowed (fails)
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    Then during this scenario the orders service made at most 1 database queries

  Scenario: A call that never happens (fails)
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    Then during this scenario the catalog service called the gateway
