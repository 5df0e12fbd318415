@checkout @allure.label.epic:Checkout @allure.label.owner:payments-team
Feature: Checkouts the shop refuses before charging anything
  Some carts cannot be paid for at all. The shop says why and neither records an
  order nor asks the payment gateway for money.

  Background:
    Given the catalog has these products
      | product   | price     | stock |
      | Blue Mug  | 12.50 EUR | 10    |
      | Tea Towel | 8.00 EUR  | 5     |
    And Alice is signed in

  @normal
  Scenario: An empty cart cannot be checked out
    When Alice checks out paying with an approved card
    Then Alice is told her cart is empty
    And no order is recorded for Alice

  @critical
  Scenario: A product sold out since it was put in the cart
    Given Alice has 3 "Tea Towel" in her cart
    And only 2 "Tea Towel" are left in stock
    When Alice checks out paying with an approved card
    Then Alice is told "Tea Towel" is out of stock
    And no order is recorded for Alice
    And the stock of "Tea Towel" is still 2
    And Alice's cart still contains 3 "Tea Towel"
