@notifications @checkout @broker @allure.label.epic:Notifications
Feature: Order events hand the work on to the other services
  When an order is paid, the orders service announces it once; the notifications service
  sends the confirmation email from that announcement. An announcement delivered twice
  sends one email, one nobody can read is set aside, and while the notifications service
  is away its email waits instead of getting lost.

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in

  @critical
  Scenario: A paid order is announced once, and its email follows
    Given Alice has 2 "Blue Mug" in her cart
    When Alice checks out paying with an approved card
    Then the shop announces once that Alice's order is paid with a total of 25.00 EUR
    And Alice receives an order confirmation email showing the total 25.00 EUR

  Scenario: A declined payment is announced as such, never as paid
    Given Alice has 1 "Blue Mug" in her cart
    When Alice checks out paying with a declined card
    Then the shop announces that Alice's payment was declined
    And the shop does not announce Alice's order as paid
    And Alice receives no order confirmation email

  @critical
  Scenario: An announcement delivered twice sends one email
    Given Alice has 1 "Blue Mug" in her cart
    When Alice checks out paying with an approved card
    And the announcement that Alice's order is paid is delivered again
    Then Alice receives exactly one order confirmation email

  Scenario: An announcement the shop cannot read is set aside for someone to look at
    When an order announcement arrives that the shop cannot read
    Then the shop sets that announcement aside for someone to look at

  @critical
  Scenario: While the notifications service is away, the email waits and is not lost
    Given Alice has 1 "Blue Mug" in her cart
    And the notifications service is stopped
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 12.50 EUR
    And the shop announces once that Alice's order is paid with a total of 12.50 EUR
    And Alice has received no order confirmation email after 1 seconds
    When the notifications service is started again
    Then Alice receives an order confirmation email showing the total 12.50 EUR
