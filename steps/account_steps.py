"""Accounts and sessions: registering, signing in, and sessions the shop refuses.

Implemented by support/shop/workflows.py.
"""

from behave import given, then, when

from support.shop import expectations, workflows

REFUSED_SESSIONS = {"missing": "missing_token", "invalid": "invalid_token", "expired": "token_expired"}


@given("{name:Person} has an account")
def step_has_account(context, name):
    workflows.ensure_account(context.world, name)


@given("{name:Person} is signed in")
def step_is_signed_in(context, name):
    workflows.ensure_signed_in(context.world, name)


@given("{name:Person}'s session is missing")
def step_session_missing(context, name):
    workflows.drop_session(context.world, name)


@given("{name:Person}'s session has been tampered with")
def step_session_tampered(context, name):
    workflows.tamper_with_session(context.world, name)


@given("{name:Person}'s session has expired")
def step_session_expired(context, name):
    workflows.let_session_expire(context.world, name)


@when("{name:Person} signs in with {pronoun:Pronoun} password")
def step_signs_in(context, name, pronoun):
    workflows.sign_in(context.world, name)


@when("{name:Person} signs in with a wrong password")
def step_signs_in_wrong_password(context, name):
    workflows.sign_in(context.world, name, password="not-" + context.world.data.password())


@when("{name:Person} signs in with an email the shop does not know")
def step_signs_in_unknown_email(context, name):
    workflows.sign_in(context.world, name, email=context.world.data.email("nobody"))


@when("{name:Person} registers again with the same email")
def step_registers_again(context, name):
    workflows.register_again(context.world, name)


@then("the shop recognises {name:Person} by {pronoun:Pronoun} session")
def step_recognised(context, name, pronoun):
    expectations.expect_recognised(context.world, name)


@then("{name:Person} is told {pronoun:Pronoun} credentials are invalid")
def step_told_invalid_credentials(context, name, pronoun):
    expectations.expect_refusal(context.world, name, 401, "invalid_credentials")


@then("{name:Person} is told the email is already taken")
def step_told_email_taken(context, name):
    expectations.expect_refusal(context.world, name, 409, "email_taken")


@then("{name:Person} is asked to sign in again because {pronoun:Pronoun} session is {reason}")
def step_asked_to_sign_in_again(context, name, pronoun, reason):
    expectations.expect_refusal(context.world, name, 401, REFUSED_SESSIONS[reason])
