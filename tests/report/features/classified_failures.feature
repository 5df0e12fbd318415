# Each scenario fails in one known way; tests/report/ checks the category the report gives it.
Feature: Classified failures

  Scenario: The product answers wrongly
    When the test asks the catalog for product 987654
    Then the catalog knows the product

  Scenario: A service is not running
    When the test calls a service that is not running

  Scenario: A service never answers
    When the test calls a service that never answers

  Scenario: A database cannot be opened
    When the test reads a database that cannot be opened

  Scenario: A step is not written yet
    When the test pays with loyalty points

  Scenario: The step code has a bug
    When the step code has a bug

  Scenario: A passing scenario
    When the test asks the catalog for product 1

  # Last: the catalog is gone for good after it.
  Scenario: A service dies mid-run
    Given the catalog service is killed
    When the test asks the catalog for product 1
