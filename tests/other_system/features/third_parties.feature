Feature: The to-do service and the notification service it calls

  Background: each scenario signs in as a person of its own
    Given the variable "user" is "{unique_email}"
    And Ann is logged in to the to-do service as "{user}"

  Scenario: Every new to-do is announced once, with its owner and title
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "call the plumber"}
      """
    Then the response status is 201
    And the notification service received 1 POST /notifications
    And the notification service received a POST request to "/notifications" with body
      """
      {"owner": "{user}", "title": "call the plumber"}
      """

  Scenario: An answer set in the scenario replaces the mapping file's
    Given the notification service answers POST "/notifications" with status 500
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "water the plants"}
      """
    Then the response status is 502
    And the response at "$.error" is "notification_failed"

  Scenario: An answer with a body set in the scenario
    Given the notification service answers POST "/notifications" with status 200 and body
      """
      {"queued": false, "reason": "quiet hours"}
      """
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "read the meter"}
      """
    Then the response status is 201
    And the notification service received 1 POST /notifications

  Scenario: The notification service down: nothing is stored, and it recovers
    Given the notification service is down
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "buy milk"}
      """
    Then the response status is 502
    And the notification service received 0 POST /notifications
    When the notification service recovers
    And Ann sends a POST request to todo "/todos" with
      """
      {"title": "buy milk"}
      """
    Then the response status is 201

  Scenario: The notification service answering with server errors
    Given the notification service answers with server errors
    When Ann sends a POST request to todo "/todos" with
      """
      {"title": "sweep"}
      """
    Then the response status is 502
