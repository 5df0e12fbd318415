Feature: Missing and stray bodies

  Scenario: a step ending in with, and nothing follows
    When I send a POST request to catalog "/products" with
    Then the response status is 201

  Scenario: a table under a step that takes none
    When I send a GET request to catalog "/products"
    Then the response status is 200
      | status |
      | 200    |
