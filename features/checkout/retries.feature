@checkout @allure.label.epic:Checkout @allure.label.owner:payments-team
Feature: A checkout sent twice charges once
  Networks drop answers, so customers' devices send the same checkout again. The
  order service recognises the repeated request and answers as before.

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in
    And Alice has 1 "Blue Mug" in her cart

  @blocker @allure.label.story:Idempotent_checkout
  Scenario: The same checkout sent twice
    When Alice checks out paying with an approved card
    And Alice's checkout is sent again with the same request
    Then both answers show the same paid order
    And exactly one order is recorded for Alice
    And the payment gateway charged 12.50 EUR once for Alice's order
    And the stock of "Blue Mug" is 9
