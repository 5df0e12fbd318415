@resilience @checkout @allure.label.epic:Resilience
Feature: Checking out while the mail server is in trouble
  The confirmation email is a courtesy, not part of the payment. When the mail server
  refuses it, the order is still paid and the customer sees it; the shop notes the
  email it could not send.

  Background:
    Given the catalog has these products
      | product  | price     | stock |
      | Blue Mug | 12.50 EUR | 10    |
    And Alice is signed in
    And Alice has 1 "Blue Mug" in her cart

  @critical
  Scenario Outline: A paid order stays paid when the mail server <trouble>
    Given the mail server <trouble>
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 12.50 EUR
    And the payment gateway charged 12.50 EUR once for Alice's order
    And the stock of "Blue Mug" is 9
    And Alice receives no order confirmation email
    And the shop notes that Alice's confirmation email could not be sent

    Examples:
      | trouble                    |
      | rejects messages           |
      | is down                    |
      | answers with server errors |
