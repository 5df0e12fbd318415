@api @allure.label.epic:API_contracts
Feature: Catalog service contract

  Background:
    Given the variable "sku" is "MUG-{unique_id}"
    And the catalog sells "Contract Mug" as "{sku}" at 1250 cents, 7 in stock

  Scenario: A new product can be read back and is stored
    When I send a GET request to catalog "/products/{product_id}"
    Then the response status is 200
    And the response matches the JSON schema in "schemas/product.json"
    And the response matches
      """
      {"id": {product_id}, "sku": "{sku}", "name": "Contract Mug", "price_cents": 1250, "currency": "EUR", "stock": 7}
      """
    And the catalog database has a row in "products" with
      | id           | sku   | price_cents | stock |
      | {product_id} | {sku} | 1250        | 7     |

  Scenario: Products can be searched by SKU
    Given the query parameter "sku" is "{sku}"
    When I send a GET request to catalog "/products"
    Then the response status is 200
    And the response at "$.items" is "#[1]"
    And the response at "$.items[0].sku" is "{sku}"

  Scenario: Only services may add products
    When I send a POST request to catalog "/products" with
      """
      {"sku": "X-{unique_id}", "name": "Sneaky", "price_cents": 1, "stock": 1}
      """
    Then the response status is 401
    And the response at "$.error" is "service_token_required"
    And the catalog database has 1 row in "products" with
      | sku   |
      | {sku} |

  Scenario: An unknown product is a 404 with the error shape
    When I send a GET request to catalog "/products/999999999"
    Then the response status is 404
    And the response matches the JSON schema in "schemas/error.json"
    And the response at "$.error" is "product_not_found"
