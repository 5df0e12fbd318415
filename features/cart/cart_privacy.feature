@cart @security @allure.label.epic:Cart @allure.label.owner:cart-team
Feature: A customer's cart is hers alone
  The cart service never shows or changes a cart for anyone but its owner, and does
  not even admit that someone else's cart exists.

  Background:
    Given the catalog has these products
      | product   | price     | stock |
      | Blue Mug  | 12.50 EUR | 10    |
      | Tea Towel | 8.00 EUR  | 5     |
    And Alice is signed in
    And Alice has 1 "Blue Mug" in her cart
    And Bob is signed in

  @critical
  Scenario: Bob cannot see Alice's cart
    When Bob tries to look at Alice's cart
    Then Bob is told the cart does not exist

  @critical
  Scenario: Bob cannot put products in Alice's cart
    When Bob tries to add 1 "Tea Towel" to Alice's cart
    Then Bob is told the cart does not exist
    And Alice's cart contains 1 "Blue Mug"
