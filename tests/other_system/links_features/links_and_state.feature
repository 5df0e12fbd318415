Feature: Links, replays, saved values and cleanups in the generic vocabulary

  Background:
    Given the variable "me" is "me-{unique_id}"
    And I send a POST request to todo "/login" with
      """
      {"user": "{me}"}
      """
    And the response status is 204
    And I send the "csrftoken" cookie back as the "X-CSRFToken" header

  Scenario: A link from an answer is followed, naming its service or not
    When I send a POST request to todo "/todos" with
      """
      {"title": "water the plants"}
      """
    And the response status is 201
    And I save the response header "Location" as "todo_url"
    And at the end of the scenario, I send a DELETE request to todo "{todo_url}"
    Then the saved value "todo_url" is "#regex ^http://127\.0\.0\.1:\d+/todos/\d+$"
    When I send a GET request to todo "{todo_url}"
    Then the response at "$.title" is "water the plants"
    When I send a GET request to "{todo_url}"
    Then the response status is 200
    And the response at "$.url" is "{todo_url}"
    When I send a GET request to todo "/todos"
    And I save the response at "$.url" as "todos_url"
    And I send a POST request to "{todos_url}" with
      """
      {"title": "feed the cat"}
      """
    Then the response status is 201
    When Ann sends a POST request to todo "/login" with
      """
      {"user": "ann-{unique_id}"}
      """
    And Ann sends the "csrftoken" cookie back as the "X-CSRFToken" header
    And Ann sends a POST request to "{todos_url}" with
      """
      {"title": "Ann's own"}
      """
    And Ann sends a GET request to "{todo_url}"
    Then the response status is 404

  Scenario: The first match of a filter, and the whole list it selects
    Given I send a POST request to todo "/todos" with
      """
      {"title": "buy milk"}
      """
    And I send a POST request to todo "/todos" with
      """
      {"title": "buy bread"}
      """
    And the notification service received 2 POST /notifications
    When I send a GET request to todo "/todos"
    And I save the first match of "$.todos[?(@.title == 'buy bread')].url" as "bread_url"
    And I save the response at "$.todos[?(@.title =~ '^buy')].title" as "shopping"
    And I save the first match of "$.todos[*].title" as "first_title"
    Then the saved value "shopping.0" is "buy milk"
    And the saved value "shopping.1" is "buy bread"
    And the saved value "first_title" is "buy milk"
    And the saved value "bread_url" is "#regex ^http://.+/todos/\d+$"

  Scenario: The last request is sent again, by the same person or by another
    Given the variable "ann" is "ann-{unique_id}"
    When Ann sends a POST request to todo "/login" with
      """
      {"user": "{ann}"}
      """
    And Ann sends the "csrftoken" cookie back as the "X-CSRFToken" header
    And the request header "X-Request-Note" is "sent once, replayed twice"
    And Ann sends a POST request to todo "/todos" with
      """
      {"title": "replayed"}
      """
    Then the response status is 201
    When the last request is sent again
    And the notification service received a POST request to "/notifications" with body
      """
      {"owner": "{ann}", "title": "replayed"}
      """
    Then the response status is 201
    And the todo database has 2 rows in "todos" with
      | owner | title    |
      | {ann} | replayed |
    When Ben sends the last request again
    Then the response status is 401
    When I send the last request again
    Then the response status is 201
    And the todo database has 1 row in "todos" with
      | owner | title    |
      | {me}  | replayed |

  Scenario: A value from a query result, and variables from doc strings
    Given the variable "payload" is
      """
      {"title": "from a variable", "tags": ["home", "garden"]}
      """
    And the variable "letter" is
      """
      Dear {me},
      this stays text.
      """
    When I send a POST request to todo "/todos" with
      """
      {payload}
      """
    Then the response at "$.title" is "{payload.title}"
    And the saved value "payload.tags.1" is "garden"
    And the saved value "letter" is "#regex ^Dear me-.+,\nthis stays text\.$"
    When I query the todo database
      """
      SELECT COUNT(*) AS how_many, MAX(title) AS last_title FROM todos WHERE owner = {me}
      """
    And I save the value of "how_many" from the query result as "before"
    And I save the value of "last_title" from the query result as "title"
    Then the saved value "before" is "1"
    And the saved value "title" is "from a variable"

  Scenario: Cleanups run at the end, the last registered first
    Given at the end of the scenario, the todo database has no row in "todos" with
      | owner | title        |
      | {me}  | cleaned away |
    When I send a POST request to todo "/todos" with
      """
      {"title": "cleaned away"}
      """
    And I save the response header "Location" as "todo_url"
    And at the end of the scenario, I send a DELETE request to todo "{todo_url}"
    Then the todo database has 1 row in "todos" with
      | owner | title        |
      | {me}  | cleaned away |
    But the response status is 201
