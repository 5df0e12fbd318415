@api @allure.label.epic:API_contracts
Feature: Cart and checkout contracts across services
  One customer's cart and checkout, checked over HTTP, in three services' databases
  and in the mail sink, with the generic vocabulary only.

  Background:
    Given the variable "email" is "{unique_email}"
    And the variable "sku" is "TOWEL-{unique_id}"
    And I am a new customer Cleo, signed in as "{email}"
    And the catalog sells "Contract Towel" as "{sku}" at 800 cents, 5 in stock
    And I have a cart

  Scenario: Adding to the cart answers with the whole cart, priced by the catalog
    When I send a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": 2, "unit_price_cents": 1}
      """
    Then the response status is 201
    And the response matches the JSON schema in "schemas/cart.json"
    And the response matches
      """
      {
        "id": {cart_id},
        "user_id": {user_id},
        "items": [
          {"product_id": {product_id}, "sku": "{sku}", "name": "Contract Towel", "quantity": 2,
           "unit_price_cents": 800, "line_total_cents": 1600}
        ],
        "total_cents": 1600,
        "currency": "EUR"
      }
      """
    And the cart database has exactly these rows in "cart_items" where "cart_id" is "{cart_id}"
      | product_id   | quantity |
      | {product_id} | 2        |

  Scenario: A paid checkout writes the order, the charge, the stock and an email
    Given I send a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": 2}
      """
    And the request header "Idempotency-Key" is "{uuid}"
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.approved}"}
      """
    Then the response status is 201
    And the response matches the JSON schema in "schemas/order.json"
    And the response contains
      """
      {"status": "PAID", "total_cents": 1600, "failure_reason": null, "charge_id": "#regex ch_.+",
       "lines": [{"sku": "{sku}", "quantity": 2, "line_total_cents": 1600}]}
      """
    And I save the response at "$.id" as "order_id"
    And the orders database has a row in "orders" with
      | id         | user_id   | status | total_cents | customer_email | charge_id |
      | {order_id} | {user_id} | PAID   | 1600        | {email}        | #notnull  |
    And the orders database has exactly these rows in "order_lines" where "order_id" is "{order_id}"
      | sku   | quantity | unit_price_cents | line_total_cents |
      | {sku} | 2        | 800              | 1600             |
    And the gateway database has 1 row in "charges" with
      | reference  | status   | amount_cents | card_last4 |
      | {order_id} | approved | 1600         | 4242       |
    And the catalog database has a row in "products" with
      | id           | stock |
      | {product_id} | 3     |
    And an email to "{email}" with subject containing "{order_id}" arrives within 5 seconds
    And that email's body contains "Total: 16.00 EUR"
    And I save the link in that email as "order_link"
    And the saved value "order_link" is "http://shop.example.test/orders/{order_id}"
    And during this scenario the gateway received exactly 1 POST /charges
    And during this scenario the orders service called the gateway
    And during this scenario the orders service made at most 40 database queries
    And during this scenario no service answered with a server error
    When I query the orders database
      """
      SELECT status, total_cents FROM orders WHERE user_id = {user_id}
      """
    Then the query returns these rows
      | status | total_cents |
      | PAID   | 1600        |

  Scenario: A declined card leaves an order that says why
    Given I send a POST request to cart "/carts/{cart_id}/items" with
      """
      {"product_id": {product_id}, "quantity": 1}
      """
    And the request header "Idempotency-Key" is "{uuid}"
    When I send a POST request to orders "/checkout" with
      """
      {"card_number": "{data.cards.declined}"}
      """
    Then the response status is 402
    And the response at "$.status" is "PAYMENT_FAILED"
    And the response at "$.failure_reason" is "card_declined"
    And I save the response at "$.id" as "order_id"
    And the gateway database has 1 row in "charges" with
      | reference  | status   | decline_code  |
      | {order_id} | declined | card_declined |
    And the gateway database has no row in "charges" with
      | reference  | status   |
      | {order_id} | approved |
    And no email to "{email}" has arrived
    And no email to "{email}" with subject containing "{order_id}" arrives within 1 seconds
    And no email to "{email}" arrives within 1 seconds

  Scenario: The payment gateway lists charges by reference to the merchant only
    Given I use the bearer token "{secrets.gateway_api_key}"
    And the query parameter "reference" is "no-such-order-{unique_id}"
    When I send a GET request to gateway "/charges"
    Then the response status is 200
    And the response matches
      """
      {"items": "#[0]"}
      """
    Given I use the bearer token "not-the-key"
    When I send a GET request to gateway "/charges"
    Then the response status is 401
    And the response at "$.error" is "invalid_api_key"

  Scenario: The mail sink answers in its documented shape
    Given the query parameter "to" is "{email}"
    When I send a GET request to mail "/messages"
    Then the response status is 200
    And the response matches the JSON schema in "schemas/messages.json"
    And the response at "$.items" contains only
      """
      []
      """
