Feature: A running ledger service, its traces fetched from Jaeger
  Scenario: The balance is read, and the ledger's database answered it
    When I send a GET request to ledger "/balance"
    Then the response status is 200
    And during this scenario the ledger service received exactly 1 GET /balance
    And during this scenario the ledger service made exactly 1 database queries
