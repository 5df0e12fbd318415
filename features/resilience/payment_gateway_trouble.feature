@resilience @checkout @allure.label.epic:Resilience
Feature: Checking out while the payment gateway is in trouble
  The payment gateway is a third party: it may be slow, down, or broken. Whatever it
  does, the shop answers the customer at once, takes no money twice, marks no order
  paid that was not, and keeps stock and cart as they were, so the customer can simply
  pay again later.

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in
    And Alice has 2 "Blue Mug" in her cart

  @critical
  Scenario Outline: Nothing is charged or taken when the payment gateway <trouble>
    Given the payment gateway <trouble>
    When Alice checks out paying with an approved card
    Then Alice is told to try again later
    And Alice's order is not paid because the payment gateway was unavailable
    And the payment gateway charged nothing for Alice's order
    And the stock of "Blue Mug" is still 10
    And Alice's cart still contains 2 "Blue Mug"
    And Alice receives no order confirmation email

    Examples:
      | trouble                                 |
      | is down                                 |
      | takes 5 seconds to answer               |
      | answers with server errors              |
      | drops connections without answering     |

  @critical
  Scenario: Paying again once the payment gateway has recovered charges once
    Given the payment gateway is down
    When Alice checks out paying with an approved card
    And the payment gateway recovers
    And Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 25.00 EUR
    And the payment gateway charged 25.00 EUR once for Alice's order
    And the stock of "Blue Mug" is 8
    And Alice's cart is empty

  @normal
  Scenario: Sending the failed checkout again does not charge behind the customer's back
    Given the payment gateway answers with server errors
    When Alice checks out paying with an approved card
    And the payment gateway recovers
    And Alice's checkout is sent again with the same request
    Then Alice's order is not paid because the payment gateway was unavailable
    And the payment gateway charged nothing for Alice's order
    And exactly one order is recorded for Alice
    And the stock of "Blue Mug" is still 10
