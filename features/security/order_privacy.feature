@checkout @security @allure.label.epic:Security
Feature: A customer's orders are hers alone
  The order service shows an order only to the customer who placed it, and does not
  even admit to anyone else that it exists. (Carts: features/cart/cart_privacy.feature;
  sessions: features/account/sessions.feature.)

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in
    And Alice has 1 "Blue Mug" in her cart

  @critical
  Scenario: Another customer cannot see Alice's order
    Given Bob is signed in
    When Alice checks out paying with an approved card
    And Bob tries to look at Alice's order
    Then Bob is told the order does not exist
