Feature: Money has one value on every database

  The price service keeps prices in a NUMERIC column: PostgreSQL gives them to Handoff as
  decimals, SQLite as floats and integers. These scenarios run on both and must pass on both.

  Background:
    Given the variable "basket" is "b-{unique_id}"
    When I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "mug-{unique_id}", "price": 34.50, "quantity": 2}
      """
    Then the response status is 201
    And I save the response at "$.id" as "mug_id"

  Scenario: Response values, table cells and saved rows agree on numbers
    Then the response at "$.price" is 34.50
    And the response at "$.price" is 34.5
    And the prices database has a row in "items" with
      | id       | price | quantity |
      | {mug_id} | 34.50 | 2        |
    And the prices database has a row in "items" with
      | id       | price | added_on |
      | {mug_id} | 34.5  | {today}  |
    When I save the row of "items" in the prices database where "id" is "{mug_id}" as "mug"
    Then the saved value "mug.price" is "34.50"
    And the saved value "mug.price" is "34.5"
    And the saved value "mug.price" is "#number"
    And the saved value "mug.added_on" is "{today}"
    When I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "free sample", "price": 0.00, "quantity": 1}
      """
    And I save the response at "$.id" as "free_id"
    Then the response at "$.price" is 0
    And the prices database has a row in "items" with
      | id        | price |
      | {free_id} | 0.00  |
    When I query the prices database
      """
      SELECT price FROM items WHERE id = {free_id}
      """
    Then the query returns these rows
      | price |
      | 0     |

  Scenario: A saved price goes into a JSON doc string as a number, and as text inside quotes
    When I save the row of "items" in the prices database where "id" is "{mug_id}" as "mug"
    And I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "{mug.title} at {mug.price}", "price": {mug.price}, "quantity": {mug.quantity}}
      """
    Then the response status is 201
    And the response matches
      """
      {"id": "#number", "title": "{mug.title} at 34.5", "price": 34.5, "quantity": 2, "added_on": "{mug.added_on}"}
      """

  Scenario: Totals compare as decimals
    When I send a GET request to prices "/baskets/{basket}"
    Then the response at "$.total" is 69
    And I save the response at "$.total" as "previous_total"
    When I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "spoon", "price": 0.10, "quantity": 3}
      """
    And I send a GET request to prices "/baskets/{basket}"
    Then the response status is not 500
    And the response at "$.total" is greater than {previous_total}
    And the response at "$.total" is at least 69.30
    And the response at "$.total" is at most {previous_total + 0.3}
    And the response at "$.total" is less than 70
    And the response at "$.total" is between {previous_total} and 69.30
    And the response at "$.total" is not 69
    And the response at "$.items[*].title" does not contain "fork"
    And the saved value "previous_total" is at least 3
    And the saved value "previous_total" is between 68.99 and 69.01
    And the saved value "previous_total" is not "69.01"
    And the prices database has a row in "items" with
      | basket   | title | price | quantity | added_at         |
      | {basket} | spoon | #< 1  | #>= 3    | #>= {today}      |
    And the prices database has 2 rows in "items" with
      | basket   | price                   | added_at          |
      | {basket} | #between 0.1 and 34.50  | #<= {now+1m}      |

  Scenario: Arithmetic with saved values, in JSON and in SQL
    When I save the row of "items" in the prices database where "id" is "{mug_id}" as "before"
    And I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "double mug", "price": {before.price * 2}, "quantity": {before.quantity + 2}}
      """
    Then the response at "$.price" is 69
    And the response at "$.quantity" is 4
    Given the variable "a" is 0.1
    And the variable "sum" is {a + 0.2}
    Then the saved value "sum" is "0.3"
    When I query the prices database
      """
      SELECT title FROM items WHERE basket = {basket} AND price = {before.price * 2}
      """
    Then the query returns these rows
      | title      |
      | double mug |
    When I query the prices database
      """
      SELECT SUM(price * quantity) AS total, COUNT(*) AS lines FROM items WHERE basket = {basket}
      """
    Then the query returns these rows
      | total                                     | lines |
      | {before.price * before.quantity + 69 * 4} | #>= 2 |
    When I send a GET request to prices "/baskets/{basket}"
    Then the response at "$.total" is {before.price * before.quantity + 276}

  Scenario: Each item of a basket has the same shape
    When I send a POST request to prices "/baskets/{basket}/items" with
      """
      {"title": "spoon", "price": 0.10, "quantity": 3}
      """
    And I send a GET request to prices "/baskets/{basket}"
    Then each element of the response at "$.items" matches
      """
      {"id": "#number", "title": "#string", "price": "#> 0", "quantity": "#number", "added_on": "#string"}
      """
    And each element of the response at "$.items" contains
      """
      {"price": "#number"}
      """
    And the response at "$.items" is #[2] {"id": "#number", "title": "#string", "price": "#number", "quantity": "#>= 1", "added_on": "#ignore"}
