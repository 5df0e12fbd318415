# The generic vocabulary failing on purpose: tests/suite/test_failure_messages.py checks
# that each failure explains itself. Not part of the sample suite.
Feature: Deliberate failures of the generic vocabulary

  Background:
    Given the request header "X-Service-Token" is "{secrets.shop_service_token}"
    When I send a POST request to catalog "/products" with
      """
      {"sku": "FAIL-{unique_id}", "name": "Failing Mug", "price_cents": 500, "stock": 3}
      """
    And I save the response at "$.id" as "product_id"

  Scenario: A payload that differs
    When I send a GET request to catalog "/products/{product_id}"
    Then the response matches
      """
      {"id": {product_id}, "sku": "#string", "name": "Failing Mug", "price_cents": 600, "currency": "#number", "stock": 3}
      """

  Scenario: A database row that is not there
    Then the catalog database has a row in "products" with
      | id           | stock |
      | {product_id} | 2     |

  Scenario: A doc string that is not JSON
    When I send a POST request to catalog "/products" with
      """
      {"sku": "X", "name": "Broken",}
      """

  Scenario: A service nobody configured
    When I send a GET request to billing "/invoices"

  Scenario: A variable nobody saved
    When I send a GET request to catalog "/products/{prodcut_id}"

  Scenario: Waiting gives up and says how long it tried
    When I send a GET request to catalog "/products/999999999"
    Then the response status is 200 within 0.5 seconds

  Scenario: A database nobody configured
    Then the billing database has a row in "invoices" with
      | id |
      | 1  |
