Feature: Checks of money that fail, to read their messages

  Background:
    Given the variable "basket" is "b-{unique_id}"
    When I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "mug", "price": 34.50, "quantity": 2}
      """
    And I save the response at "$.id" as "mug_id"
    And I send a GET request to prices "/baskets/{basket}"

  Scenario: A total below the bound
    Then the response at "$.total" is greater than 100

  Scenario: An element of the wrong shape
    Then each element of the response at "$.items" matches
      """
      {"id": "#string", "title": "#string", "price": "#number", "quantity": "#number", "added_on": "#string"}
      """

  Scenario: A cell outside its range
    Then the prices database has a row in "items" with
      | id       | price    |
      | {mug_id} | #>= 40   |

  Scenario: A saved value below the bound
    When I save the response at "$.total" as "total"
    Then the saved value "total" is at least 70.5

  Scenario: An expression with a name never saved
    Then the response at "$.total" is {total * 2}

  Scenario: A status that should not be
    Then the response status is not 200

  Scenario: A value that should not be
    Then the response at "$.total" is not 69.00

  Scenario: An element that should not be there
    Then the response at "$.items[*].title" does not contain "mug"

  Scenario: Each element of an empty array
    When I send a GET request to prices "/baskets/empty-{unique_id}"
    Then each element of the response at "$.items" matches
      """
      {"id": "#number"}
      """
