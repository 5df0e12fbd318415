@account @security @allure.label.epic:Accounts @allure.label.feature:Sessions
Feature: Only valid sessions reach a customer's data
  The cart and order services ask the auth service about every session they are
  shown, so a missing, forged or expired session never reaches a customer's data.

  @critical
  Scenario Outline: A <session> session is refused
    Given Alice has a <session> session
    When Alice looks at her cart
    Then Alice is asked to sign in again because her session is <reason>

    Examples:
      | session  | reason  |
      | missing  | missing |
      | tampered | invalid |
      | expired  | expired |
