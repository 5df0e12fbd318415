Feature: The to-do service keeps to its published API description

  Scenario: A signed-in person's list is as the description says
    When Ann sends a POST request to todo "/login" with
      """
      {"user": "ann-{unique_id}"}
      """
    And Ann sends the "csrftoken" cookie back as the "X-CSRFToken" header
    And Ann sends a POST request to todo "/todos" with
      """
      {"title": "read the contract"}
      """
    Then the response status is 201
    And the response conforms to the API description
    When Ann sends a GET request to todo "/todos"
    Then the response conforms to the API description

  Scenario: A write without its CSRF header is refused, as the description declares
    When Ann sends a POST request to todo "/login" with
      """
      {"user": "ann-{unique_id}"}
      """
    And Ann sends a POST request to todo "/todos" with
      """
      {"title": "forged"}
      """
    Then the response status is 403
