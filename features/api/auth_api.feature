@api @allure.label.epic:API_contracts
Feature: Auth service contract
  The auth service's endpoints, their payloads and what they store, checked with the
  generic vocabulary only.

  Background:
    Given the variable "email" is "{unique_email}"
    And Ann has registered as "{email}"

  Scenario: Registering answers with the new user and stores only a password hash
    Then the response matches
      """
      {"id": "#number", "email": "{email}", "name": "Ann"}
      """
    And the response matches the JSON schema in "schemas/user.json"
    And the auth database has a row in "users" with
      | id        | email   | name | password_hash     |
      | {user_id} | {email} | Ann  | #regex ^scrypt\$.+ |
    And the auth database has no row in "users" with
      | email   | password_hash         |
      | {email} | correct horse battery |
    When I query the auth database
      """
      SELECT token_sha256 FROM sessions WHERE user_id = {user_id}
      """
    Then the query returns 0 rows

  Scenario: Signing in gives a bearer session that names its user
    When I send a POST request to auth "/sessions" with
      """
      {"email": "{email}", "password": "correct horse battery"}
      """
    Then the response status is 201
    And the response matches the JSON schema in "schemas/session.json"
    And the response at "$.token_type" is "Bearer"
    And the response at "$.expires_at" is "#datetime"
    And I save the response at "$.token" as "token"
    Given I use the bearer token "{token}"
    When I send a GET request to auth "/me"
    Then the response status is 200
    And the response matches
      """
      {"id": {user_id}, "email": "{email}", "name": "Ann"}
      """

  Scenario Outline: Refusals use one error shape: <case>
    When I send a POST request to auth "<path>" with
      """
      <body>
      """
    Then the response status is <status>
    And the response matches the JSON schema in "schemas/error.json"
    And the response at "$.error" is "<error>"

    Examples:
      | case              | path      | body                                                     | status | error               |
      | wrong password    | /sessions | {"email": "{email}", "password": "not the password"}     | 401    | invalid_credentials |
      | same email again  | /users    | {"email": "{email}", "password": "long enough", "name": "B"} | 409 | email_taken         |
      | short password    | /users    | {"email": "{unique_email}", "password": "short", "name": "C"} | 400 | invalid_request     |
      | no email          | /users    | {"password": "long enough", "name": "D"}                 | 400    | invalid_request     |

  Scenario: A request without a session is refused
    When I send a GET request to auth "/me"
    Then the response status is 401
    And the response contains
      """
      {"error": "missing_token"}
      """
    And the response header "Content-Type" contains "application/json"
