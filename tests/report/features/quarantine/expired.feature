Feature: Quarantine expired

  @quarantine:bob:2020-01-31
  Scenario: An old quarantine fails
    When the test asks the catalog for product 999999
    Then the catalog knows the product
