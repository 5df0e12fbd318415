"""Email checks of the generic vocabulary, on the scenario's World."""

from __future__ import annotations

import re

from handoff.email.mailbox import Email, Mailbox
from handoff.world import World


def mailbox(world: World) -> Mailbox:
    return Mailbox(world.run.client(world.run.settings.get("email.service")))


def await_email(world: World, address: str, subject: str, timeout: float | None) -> Email:
    address, subject = world.render(address), world.render(subject)
    wait = float(world.run.settings.get("email.wait")) if timeout is None else timeout
    world.last_email = mailbox(world).wait_for(address, subject, timeout=wait)
    world.report.on_email(world.last_email)
    return world.last_email


def expect_no_email(world: World, address: str) -> None:
    box = mailbox(world)
    address = world.render(address)
    subjects = [message.subject for message in box.messages_to(address)]
    world.check.equal(f"emails to {address}", [], subjects, box.last_exchange)


def expect_no_email_within(world: World, address: str, subject: str, seconds: float) -> None:
    """No email (with the text in its subject) to the address during the whole time; fails at the first one."""
    box = mailbox(world)
    address, subject = world.render(address), world.render(subject)
    found = box.first_within(address, subject, timeout=seconds)
    if found is not None:
        world.report.on_email(found)
    about = f" with {subject!r} in its subject" if subject else ""
    world.check.that(
        found is None,
        f"emails to {address}{about} within {seconds:g} s",
        f"expected: none\nactual:   {found.subject if found else ''!r}",
        box.last_exchange,
    )


def that_email(world: World) -> Email:
    if world.last_email is None:
        raise LookupError('no email yet: start with \'Then an email to "..." with subject containing "..." arrives\'')
    return world.last_email


def expect_body_contains(world: World, text: str) -> None:
    email, text = that_email(world), world.render(text)
    world.check.that(
        text in email.body,
        f"the body of '{email.subject}'",
        f"expected it to contain {text!r}; it reads:\n{email.body}",
    )


def first_link(world: World) -> str:
    email = that_email(world)
    found = re.search(r"https?://[^\s<>\"')]+", email.body)
    world.check.that(found is not None, f"a link in '{email.subject}'", f"there is none; the body reads:\n{email.body}")
    return found.group()


def first_match(world: World, pattern: str) -> str:
    email = that_email(world)
    found = re.search(pattern, email.body)
    world.check.that(
        found is not None,
        f"text matching /{pattern}/ in '{email.subject}'",
        f"there is none; the body reads:\n{email.body}",
    )
    return found.group(1) if found.re.groups else found.group()
