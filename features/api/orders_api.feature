@api @allure.label.epic:API_contracts
Feature: Cart, order, payment and mail contracts, endpoint by endpoint
  The remaining endpoints of the shop's services, each checked against its schema,
  with the generic vocabulary only.

  Background:
    Given the variable "email" is "{unique_email}"
    And the variable "sku" is "LAMP-{unique_id}"
    And the request body is
      """
      {"email": "{email}", "password": "correct horse battery", "name": "Dora"}
      """
    When I send a POST request to auth "/users"
    And I save the response at "$.id" as "user_id"
    And I send a POST request to auth "/sessions" with
      """
      {"email": "{email}", "password": "correct horse battery"}
      """
    And I save the response at "$.token" as "token"
    And Dora uses the bearer token "{token}"
    And the request headers are
      | header          | value                         |
      | X-Service-Token | {secrets.shop_service_token}  |
      | Accept          | application/json              |
    And the catalog sells "Contract Lamp" as "{sku}" at 2500 cents, 9 in stock
    And Dora sends a GET request to cart "/cart"
    And I save the response at "$.id" as "cart_id"

  Scenario: The cart's lines can be changed and removed
    Given the variable "quantity" is 3
    When Dora sends a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": {quantity}}
      """
    Then the response status is 201
    When Dora sends a PUT request to cart "/carts/{cart_id}/items/{product_id}" with
      """
      {"quantity": 1}
      """
    Then the response status is 200
    And the response matches the JSON schema in "schemas/cart.json"
    And the response at "$.total_cents" is 2500
    When Dora sends a DELETE request to cart "/carts/{cart_id}/items/{product_id}"
    Then the response status is 200
    And the response at "$.items" is "#[0]"
    And the cart database has no row in "cart_items" with
      | cart_id   |
      | {cart_id} |

  Scenario: Orders can be read back, alone and as a list
    Given Dora sends a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": 2}
      """
    And the request header "Idempotency-Key" is "{uuid}"
    And Dora sends a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    And I save the response at "$.id" as "order_id"
    When Dora sends a GET request to orders "/orders/{order_id}"
    Then the response status is 200
    And the response matches the JSON schema in "schemas/order.json"
    And the response at "$.id" matches "^ord_[0-9a-f]+$"
    And the response arrives in under 5000 ms
    When Dora sends a GET request to orders "/orders"
    Then the response status is 200
    And the response matches the JSON schema
      """
      {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "minItems": 1}}}
      """
    And the response at "$.items[*].id" contains "{order_id}"
    And the gateway database has 0 rows in "charges" with
      | reference  | status   |
      | {order_id} | declined |
    And I save the row of "orders" in the orders database where "id" is "{order_id}" as "order"
    And the saved value "order" is "#object"
    When I query the orders database
      """
      SELECT status FROM orders WHERE id = {order.id} AND total_cents = {order.total_cents}
      """
    Then the query returns 1 row
    And an email to "{email}" with subject containing "{order_id}" arrives
    And I save the text matching "Total: (\d+\.\d\d) EUR" in that email as "total"
    And the saved value "total" is "50.00"

  Scenario: Services echo the scenario's correlation id
    When I send a GET request to catalog "/products/{product_id}"
    Then the response header "X-Correlation-Id" matches "^[A-Za-z0-9._:-]+$"
    And I save the response header "X-Correlation-Id" as "correlation_id"
    And the saved value "correlation_id" is "#regex .+-.+"

  Scenario: The payment gateway charges once per idempotency key
    Given I use the bearer token "{secrets.gateway_api_key}"
    And the variable "reference" is "contract-{unique_id}"
    And the request header "Idempotency-Key" is "{reference}"
    When I send a POST request to gateway "/charges" with
      """
      {"amount_cents": 1234, "currency": "EUR", "card_number": "{data.cards.approved}", "reference": "{reference}"}
      """
    Then the response status is 201
    And the response matches the JSON schema in "schemas/charge.json"
    And the response at "$.card_last4" is "4242"
    Given the request header "Idempotency-Key" is "{reference}"
    When I send a POST request to gateway "/charges" with
      """
      {"amount_cents": 1234, "currency": "EUR", "card_number": "{data.cards.approved}", "reference": "{reference}"}
      """
    Then the response header "Idempotent-Replayed" is "true"
    And the gateway database has 1 row in "charges" with
      | reference   | amount_cents |
      | {reference} | 1234         |
    Given the query parameters are
      | parameter | value       |
      | reference | {reference} |
    When I send a GET request to gateway "/charges"
    Then the response at "$.items" is "#[1]"

  Scenario Outline: The payment gateway refuses other credentials: <credentials>
    Given <credentials>
    When I send a GET request to gateway "/charges"
    Then the response status is 401
    And the response at "$.error" is "invalid_api_key"

    Examples:
      | credentials                                                |
      | I use basic auth as "merchant" with password "{unique_id}" |
      | Dora uses basic auth as "dora" with password "{unique_id}" |

  Scenario: Services speak JSON, not forms
    Given the request form is
      | field    | value                 |
      | email    | {email}               |
      | password | correct horse battery |
    When I send a POST request to auth "/sessions"
    Then the response status is 400
    And the response matches the JSON schema in "schemas/error.json"
