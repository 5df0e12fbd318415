@resilience @notifications @broker @broker_faults @allure.label.epic:Resilience
Feature: Checking out while the message broker is in trouble
  The payment does not wait for the message broker: the order is paid at once, and its
  announcement waits in the orders service until the broker takes it. The confirmation
  email comes late, never not at all. (Needs a broker behind a proxy: -D env=postgres.)

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in
    And Alice has 1 "Blue Mug" in her cart

  @critical
  Scenario: A paid order's email waits for the broker to come back
    Given the message broker is down
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 12.50 EUR
    And Alice has received no order confirmation email after 1 seconds
    When the message broker recovers
    Then the shop announces once that Alice's order is paid with a total of 12.50 EUR
    And Alice receives an order confirmation email showing the total 12.50 EUR

  Scenario: A slow broker delays the email a little
    Given the message broker takes 1 seconds to answer
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 12.50 EUR
    And the shop announces once that Alice's order is paid with a total of 12.50 EUR
    And Alice receives an order confirmation email showing the total 12.50 EUR
