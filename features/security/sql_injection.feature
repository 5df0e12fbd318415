@security @api @allure.label.epic:Security
Feature: Text crafted to inject SQL is only ever data
  Whatever a client types into a sign-in form or a catalog search, the shop treats it
  as a value: it answers with an ordinary refusal or an ordinary result, never with a
  server error, never with someone else's data, and its tables stay as they were.

  @critical
  Scenario Outline: Signing in with an email crafted to inject SQL: <attempt>
    Given the variable "email" is "{unique_email}"
    When I send a POST request to auth "/users" with
      """
      {"email": "{email}", "password": "correct horse battery", "name": "Ann"}
      """
    Then the response status is 201
    When I send a POST request to auth "/sessions" with
      """
      {"email": "<email>", "password": "not her password"}
      """
    Then the response status is 401
    And the response at "$.error" is "invalid_credentials"
    And the response at "$.token" is "#notpresent"
    And the auth database has 1 row in "users" with
      | email   | name |
      | {email} | Ann  |
    When I send a POST request to auth "/sessions" with
      """
      {"email": "{email}", "password": "correct horse battery"}
      """
    Then the response status is 201

    Examples:
      | attempt                          | email                           |
      | a condition that is always true  | {email}' OR '1'='1              |
      | the password check commented out | {email}' --                     |
      | any account at all               | ' OR 1=1 --                     |
      | a second statement               | {email}'; DELETE FROM users; -- |

  @critical
  Scenario Outline: Searching the catalog for text crafted to inject SQL: <attempt>
    Given the variable "name" is "Kettle {unique_id}"
    And the request header "X-Service-Token" is "{secrets.shop_service_token}"
    When I send a POST request to catalog "/products" with
      """
      {"sku": "KET-{unique_id}", "name": "{name}", "price_cents": 3900, "currency": "EUR", "stock": 4}
      """
    Then the response status is 201
    Given the query parameter "q" is "<search>"
    When I send a GET request to catalog "/products"
    Then the response status is 200
    And the response at "$.items" is "#[0]"
    And the catalog database has 1 row in "products" with
      | name   | price_cents | stock |
      | {name} | 3900        | 4     |
    Given the query parameter "q" is "{name}"
    When I send a GET request to catalog "/products"
    Then the response status is 200
    And the response at "$.items" is "#[1]"

    Examples:
      | attempt                         | search                                   |
      | a condition that is always true | {name}' OR '1'='1                        |
      | a union with another table      | {name}' UNION SELECT 1,2,3,4,5,6,7 --    |
      | a second statement              | {name}'; DROP TABLE products; --         |
      | wildcards                       | %                                        |
