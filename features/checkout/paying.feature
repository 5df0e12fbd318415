@checkout @allure.label.epic:Checkout @allure.label.owner:payments-team
Feature: Checking out
  Checking out hands the cart from the cart service to the order service, which asks
  the payment gateway to charge the customer. Only a paid order takes stock, empties
  the cart and sends a confirmation email.

  Background:
    Given the catalog has these products
      | product   | price     | stock |
      | Blue Mug  | 12.50 EUR | 10    |
      | Tea Towel | 8.00 EUR  | 5     |
    And Alice is signed in

  @blocker @allure.label.story:Card_payment
  Scenario: Paying with an approved card
    Given Alice has these products in her cart
      | product   | quantity |
      | Blue Mug  | 2        |
      | Tea Towel | 1        |
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 33.00 EUR
    And Alice's order is recorded with these lines
      | product   | quantity | unit price | line total |
      | Blue Mug  | 2        | 12.50 EUR  | 25.00 EUR  |
      | Tea Towel | 1        | 8.00 EUR   | 8.00 EUR   |
    And the payment gateway charged 33.00 EUR once for Alice's order
    And the stock of "Blue Mug" is 8
    And the stock of "Tea Towel" is 4
    And Alice's cart is empty
    And Alice receives an order confirmation email showing the total 33.00 EUR

  @critical @allure.label.story:Card_payment
  Scenario Outline: A refused payment leaves stock and cart as they were
    Given Alice has 2 "Blue Mug" in her cart
    When Alice checks out paying with <card>
    Then Alice's order is not paid because <reason>
    And the payment gateway charged nothing for Alice's order
    And the stock of "Blue Mug" is still 10
    And Alice's cart still contains 2 "Blue Mug"
    And Alice receives no order confirmation email

    Examples: Refused by the bank
      | card                           | reason                     |
      | a declined card                | the card was declined      |
      | a card with insufficient funds | the funds are insufficient |

    Examples: The payment gateway is in trouble
      | card                                       | reason                              |
      | a card the payment gateway is too slow for | the payment gateway was unavailable |
      | a card the payment gateway fails on        | the payment gateway was unavailable |

  @normal @allure.label.story:Order_totals
  Scenario Outline: The order total adds up quantities and prices
    Given the catalog has a "Notebook" priced <price>
    And Alice has <quantity> "Notebook" in her cart
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of <total>
    And the payment gateway charged <total> once for Alice's order

    Examples:
      | price     | quantity | total     |
      | 0.99 EUR  | 3        | 2.97 EUR  |
      | 19.99 EUR | 5        | 99.95 EUR |
      | 250.00 EUR| 2        | 500.00 EUR|
