Feature: Quarantine in force

  @quarantine:alice:2999-12-31
  Scenario: A known flaky check fails
    When the test asks the catalog for product 999999
    Then the catalog knows the product

  Scenario: A healthy check passes
    When the test asks the catalog for product 1
