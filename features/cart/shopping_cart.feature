@cart @allure.label.epic:Cart @allure.label.owner:cart-team
Feature: Shopping cart
  A signed-in customer collects products in her cart. Prices always come from the
  catalog, whatever the customer's device sends.

  Background:
    Given the catalog has these products
      | product   | price     | stock |
      | Blue Mug  | 12.50 EUR | 10    |
      | Tea Towel | 8.00 EUR  | 5     |
    And Alice is signed in

  @critical
  Scenario: Adding products to the cart
    When Alice adds 2 "Blue Mug" to her cart
    And Alice adds 1 "Tea Towel" to her cart
    Then Alice's cart contains
      | product   | quantity | line total |
      | Blue Mug  | 2        | 25.00 EUR  |
      | Tea Towel | 1        | 8.00 EUR   |
    And Alice's cart total is 33.00 EUR

  @normal
  Scenario: Adding a product again raises its quantity
    Given Alice has 1 "Blue Mug" in her cart
    When Alice adds 2 "Blue Mug" to her cart
    Then Alice's cart contains 3 "Blue Mug"

  @normal
  Scenario: Changing the quantity of a product
    Given Alice has 1 "Tea Towel" in her cart
    When Alice changes the quantity of "Tea Towel" to 4
    Then Alice's cart contains 4 "Tea Towel"
    And Alice's cart total is 32.00 EUR

  @normal
  Scenario: Removing a product
    Given Alice has these products in her cart
      | product   | quantity |
      | Blue Mug  | 1        |
      | Tea Towel | 2        |
    When Alice removes "Blue Mug" from her cart
    Then Alice's cart contains 2 "Tea Towel"

  @minor
  Scenario: A quantity of zero removes the product
    Given Alice has 2 "Blue Mug" in her cart
    When Alice changes the quantity of "Blue Mug" to 0
    Then Alice's cart is empty

  @minor
  Scenario: A product the catalog does not have cannot be added
    When Alice adds a product the catalog does not have to her cart
    Then Alice is told the product does not exist
    And Alice's cart is empty

  @normal
  Scenario Outline: The cart total adds up quantities and prices
    Given the catalog has a "Notebook" priced <price>
    When Alice adds <quantity> "Notebook" to her cart
    Then Alice's cart total is <total>

    Examples:
      | price       | quantity | total       |
      | 0.99 EUR    | 3        | 2.97 EUR    |
      | 19.99 EUR   | 1        | 19.99 EUR   |
      | 12.50 EUR   | 4        | 50.00 EUR   |
      | 1000.00 EUR | 2        | 2000.00 EUR |
