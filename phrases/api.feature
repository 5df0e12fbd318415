Feature: The shop's API in business phrases
  Phrases for the contract features in features/api, each defined by the generic steps
  under it (see README, "Business phrases defined in Gherkin"). They are steps like any
  other: `handoff steps` lists them, `behave --dry-run` checks the steps under them.

  Scenario: {name:Person} has registered as "{email}"
    A new account, its id saved as "user_id".
    When I send a POST request to auth "/users" with
      """
      {"email": "{email}", "password": "correct horse battery", "name": "{name}"}
      """
    Then the response status is 201
    And I save the response at "$.id" as "user_id"

  Scenario: I am signed in as "{email}"
    A session for the account, its token saved as "token" and sent with my requests.
    When I send a POST request to auth "/sessions" with
      """
      {"email": "{email}", "password": "correct horse battery"}
      """
    Then the response status is 201
    And I save the response at "$.token" as "token"
    And I use the bearer token "{token}"

  Scenario: I am a new customer {name:Person}, signed in as "{email}"
    Registered and signed in: "user_id" and "token" saved.
    Given {name} has registered as "{email}"
    And I am signed in as "{email}"

  Scenario: the catalog sells "{product}" as "{sku}" at {cents:Count} cents, {stock:Count} in stock
    A product added with the service token, its id saved as "product_id".
    Given the request header "X-Service-Token" is "{secrets.shop_service_token}"
    When I send a POST request to catalog "/products" with
      """
      {"sku": "{sku}", "name": "{product}", "price_cents": {cents}, "currency": "EUR", "stock": {stock}}
      """
    Then the response status is 201
    And I save the response at "$.id" as "product_id"

  Scenario: I have a cart
    My cart, its id saved as "cart_id".
    When I send a GET request to cart "/cart"
    Then the response status is 200
    And I save the response at "$.id" as "cart_id"
