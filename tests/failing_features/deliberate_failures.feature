# Scenarios that fail on purpose: tests/suite/test_failure_messages.py checks that each
# failure explains itself. Not part of the sample suite.
Feature: Deliberate failures

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in

  Scenario: A wrong cart total
    Given Alice has 2 "Blue Mug" in her cart
    Then Alice's cart total is 30.00 EUR

  Scenario: Wrong cart lines
    Given Alice has 2 "Blue Mug" in her cart
    Then Alice's cart contains
      | product  | quantity | line total |
      | Blue Mug | 3        | 37.50 EUR  |

  Scenario: A table without a needed column
    Given the catalog has these products
      | product   | price    |
      | Tea Towel | 8.00 EUR |

  Scenario: A person who was never introduced
    When Carol looks at her cart

  Scenario: A wrong stock level
    Then the stock of "Blue Mug" is 7

  Scenario: A step nobody has written
    When Alice pays with loyalty points
