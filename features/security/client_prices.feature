@security @cart @checkout @allure.label.epic:Security
Feature: Prices come from the catalog, never from the customer
  A tampered client may send a price of its own with the products it adds. The shop
  ignores it: the cart shows, the order records and the payment gateway charges the
  catalog's price.

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in

  @blocker
  Scenario: A price sent with a product added to the cart is ignored
    When Alice adds 2 "Blue Mug" to her cart claiming a price of 0.01 EUR
    Then Alice's cart total is 25.00 EUR
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 25.00 EUR
    And Alice's order is recorded with these lines
      | product  | quantity | unit price | line total |
      | Blue Mug | 2        | 12.50 EUR  | 25.00 EUR  |
    And the payment gateway charged 25.00 EUR once for Alice's order
