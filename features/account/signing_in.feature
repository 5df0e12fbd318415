@account @allure.label.epic:Accounts @allure.label.owner:accounts-team
Feature: Signing in
  Customers sign in with their email and password. The session they get is what
  every other service of the shop trusts to know who they are.

  Background:
    Given Alice has an account

  @critical @allure.label.story:Sign_in
  Scenario: A registered customer signs in
    When Alice signs in with her password
    Then the shop recognises Alice by her session

  @normal @allure.label.story:Sign_in
  Scenario: A wrong password is refused
    When Alice signs in with a wrong password
    Then Alice is told her credentials are invalid

  @normal @allure.label.story:Sign_in
  Scenario: An unknown email is refused like a wrong password
    When Alice signs in with an email the shop does not know
    Then Alice is told her credentials are invalid

  @minor @allure.label.story:Registration
  Scenario: An email can be registered only once
    When Alice registers again with the same email
    Then Alice is told the email is already taken
