Feature: The to-do service in business phrases

  Scenario: {person:Person} is logged in to the to-do service as "{user}"
    A session of the person's own, with the CSRF header the service asks for on writes.
    When {person} sends a POST request to todo "/login" with
      """
      {"user": "{user}"}
      """
    Then the response status is 204
    And {person} sends the "csrftoken" cookie back as the "X-CSRFToken" header
