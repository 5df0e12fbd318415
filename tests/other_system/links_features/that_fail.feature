Feature: Deliberate failures: refused URLs, missing values, cleanups after failure
  Every scenario here fails on purpose; tests/other_system/test_links_and_state.py checks how.

  Background:
    Given I send a POST request to todo "/login" with
      """
      {"user": "failing-{unique_id}"}
      """
    And I send the "csrftoken" cookie back as the "X-CSRFToken" header

  Scenario: A URL at another address is refused for a named service
    When I send a GET request to todo "{data.foreign_url}/todos"

  Scenario: A URL at no configured service's address is refused
    When I send a GET request to "{data.foreign_url}/todos"

  Scenario: A query that returned no row has no value to save
    When I query the todo database
      """
      SELECT title FROM todos WHERE owner = 'nobody at all'
      """
    And I save the value of "title" from the query result as "title"

  Scenario: A query that returned several rows has no one value to save
    Given I send a POST request to todo "/todos" with
      """
      {"title": "one"}
      """
    And the last request is sent again
    When I query the todo database
      """
      SELECT id, title FROM todos WHERE title = 'one'
      """
    And I save the value of "title" from the query result as "title"

  Scenario: A column the query did not return
    When I query the todo database
      """
      SELECT COUNT(*) AS how_many FROM todos
      """
    And I save the value of "count" from the query result as "count"

  Scenario: A filter that selects nothing has no first match
    When I send a GET request to todo "/todos"
    And I save the first match of "$.todos[?(@.title == 'not there')].id" as "id"

  Scenario: A cleanup runs after a failing step
    When I send a POST request to todo "/todos" with
      """
      {"title": "undone after a failure"}
      """
    And I save the response header "Location" as "todo_url"
    And at the end of the scenario, I send a DELETE request to todo "{todo_url}"
    Then the response status is 500
    And the response at "$.title" is "never checked"

  Scenario: A failing cleanup fails the scenario and the others still run
    When I send a POST request to todo "/todos" with
      """
      {"title": "undone though a cleanup fails"}
      """
    And I save the response header "Location" as "todo_url"
    And at the end of the scenario, I send a DELETE request to todo "{todo_url}"
    And at the end of the scenario, the response status is 418
    Then the response status is 201

  Scenario: A cleanup that names no step fails where it is written
    Given at the end of the scenario, I tidy up somehow

  Scenario: A deferred step that ends in "with" needs what follows
    Given at the end of the scenario, I send a POST request to todo "/todos" with
