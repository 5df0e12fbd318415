Feature: A to-do service tested with the generic vocabulary only

  Scenario: Two people keep their own lists, each with their own session cookies
    Given Ann is logged in to the to-do service as "ann"
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "water the plants"}
      """
    Then the response status is 201
    And the response matches
      """
      {"id": "#number", "title": "water the plants", "done": false}
      """
    And I save the response at "$.id" as "todo_id"
    Given Ben is logged in to the to-do service as "ben"
    When Ben sends a GET request to todo "/todos"
    Then the response at "$.todos" is "#[0]"
    When Ann sends a GET request to todo "/todos"
    Then the response at "$.todos[*].title" contains only
      """
      ["water the plants"]
      """
    And the todo database has a row in "todos" with
      | id        | owner | title            | done |
      | {todo_id} | ann   | water the plants | 0    |

  Scenario: A write without the CSRF header is refused and stores nothing
    When Ann sends a POST request to todo "/login" with
      """
      {"user": "ann-{unique_id}"}
      """
    And Ann sends a POST request to todo "/todos" with
      """
      {"title": "forged"}
      """
    Then the response status is 403
    And the todo database has no row in "todos" with
      | title  |
      | forged |

  Scenario: One person, in the first person
    When I send a POST request to todo "/login" with
      """
      {"user": "cy-{unique_id}"}
      """
    And I save the cookie "csrftoken" as "csrf"
    And I send the "csrftoken" cookie back as the "X-CSRFToken" header
    And I send a POST request to todo "/todos" with
      """
      {"title": "buy milk"}
      """
    Then the response status is 201
    And the saved value "csrf" is "#regex [0-9a-f]{32}"
