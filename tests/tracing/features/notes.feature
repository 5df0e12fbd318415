Feature: Notes, a service nobody here wrote, traced
  Plain WSGI on SQLite, instrumented with OpenTelemetry from PyPI.

  Scenario: A note is written and read back
    When I send a POST request to notes "/notes" with
      """
      {"text": "remember the milk"}
      """
    Then the response status is 201
    And I save the response at "$.id" as "note_id"
    When I send a GET request to notes "/notes/{note_id}"
    Then the response status is 200
    And during this scenario the notes service received exactly 1 POST /notes
    And during this scenario the notes service made at least 2 database queries
    And during this scenario no service answered with a server error

  Scenario: A broken endpoint (fails)
    When I send a GET request to notes "/boom"
    Then the response status is 200
