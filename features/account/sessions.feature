@account @security @allure.label.epic:Accounts @allure.label.owner:accounts-team
Feature: Only valid sessions reach a customer's data
  The cart and order services ask the auth service about every session they are
  shown, so a missing, forged or expired session never reaches a customer's data.

  @critical
  Scenario Outline: The shop turns Alice away when her session <state>
    Given Alice has an account
    And Alice's session <state>
    When Alice looks at her cart
    Then Alice is asked to sign in again because her session is <reason>

    Examples:
      | state                  | reason  |
      | is missing             | missing |
      | has been tampered with | invalid |
      | has expired            | expired |
