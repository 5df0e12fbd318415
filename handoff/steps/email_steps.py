"""Generic email checks against the configured mail sink (config: email.service).

An arriving email is awaited for email.wait seconds, or "within N seconds". The
email found becomes "that email" for the next steps. Implemented by
handoff/email/mailbox.py.

Example::

    Then an email to "{email}" with subject containing "Welcome" arrives within 10 seconds
    And that email's body contains "your code"
    And I save the text matching "code: (\\d{6})" in that email as "code"
"""

from behave import step

from handoff.adapter.waiting_steps import check
from handoff.email import checks as email_checks


@check('an email to "{address}" with subject containing "{subject}" arrives')
def step_email_arrives(context, address, subject):
    """Example: Then an email to "{email}" with subject containing "confirmed" arrives"""
    email_checks.await_email(context.world, address, subject, timeout=None)


@check('an email to "{address}" with subject containing "{subject}" arrives within {seconds:Number} seconds')
def step_email_arrives_within(context, address, subject, seconds):
    """Example: Then an email to "{email}" with subject containing "confirmed" arrives within 10 seconds"""
    email_checks.await_email(context.world, address, subject, timeout=seconds)


@check('no email to "{address}" has arrived')
def step_no_email(context, address):
    """Example: Then no email to "{email}" has arrived"""
    email_checks.expect_no_email(context.world, address)


# With a subject first: the address of the other form would take the subject in.
@check('no email to "{address}" with subject containing "{subject}" arrives within {seconds:Number} seconds')
def step_no_email_with_subject_within(context, address, subject, seconds):
    """Watches the whole time and fails at the first such email.

    Example: Then no email to "{email}" with subject containing "reminder" arrives within 3 seconds
    """
    email_checks.expect_no_email_within(context.world, address, subject, seconds)


@check('no email to "{address}" arrives within {seconds:Number} seconds')
def step_no_email_within(context, address, seconds):
    """Not "becomes true within": watches the whole time and fails at the first email (one there already too).

    Example: Then no email to "{email}" arrives within 2 seconds
    """
    email_checks.expect_no_email_within(context.world, address, "", seconds)


@check('that email\'s body contains "{text}"')
def step_body_contains(context, text):
    """Example: Then that email's body contains "Total: 25.00 EUR" """
    email_checks.expect_body_contains(context.world, text)


@step('I save the link in that email as "{name}"')
def step_save_link(context, name):
    """The first http(s) link. Example: And I save the link in that email as "confirm_url" """
    context.world.variables.save(name, email_checks.first_link(context.world))


@step('I save the text matching "{pattern}" in that email as "{name}"')
def step_save_text(context, pattern, name):
    """The first group of the first match (or the whole match).

    Example: And I save the text matching "code: (\\d{6})" in that email as "code"
    """
    context.world.variables.save(name, email_checks.first_match(context.world, pattern))
