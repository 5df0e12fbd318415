"""Email captured by an SMTP sink, read through the sink's HTTP API.

The sink answers ``GET /messages?to=<address>`` with ``{"items": [message, ...]}``,
each message having ``from``, ``to``, ``subject`` and ``body``.
"""

from __future__ import annotations

from dataclasses import dataclass

from handoff.http.client import Exchange, ServiceClient
from handoff.waiting import WaitTimedOut, wait_until


@dataclass(frozen=True)
class Email:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str

    def as_text(self) -> str:
        return f"From: {self.sender}\nTo: {', '.join(self.recipients)}\nSubject: {self.subject}\n\n{self.body}"


class Mailbox:
    def __init__(self, sink: ServiceClient) -> None:
        self.sink = sink
        self.last_exchange: Exchange | None = None

    def messages_to(self, address: str) -> list[Email]:
        response = self.sink.get("/messages", params={"to": address})
        self.last_exchange = response.exchange
        if response.status != 200:
            raise AssertionError(f"the mail sink could not list messages: {response.exchange.summary()}")
        return [
            Email(item["from"], tuple(item["to"]), item["subject"], item["body"]) for item in response.json()["items"]
        ]

    def wait_for(self, address: str, subject_contains: str, timeout: float) -> Email:
        """The first message to ``address`` whose subject contains the text, once it arrives."""
        return self._poll(address, subject_contains, timeout)[0]

    def first_within(self, address: str, subject_contains: str, timeout: float) -> Email | None:
        """The first such message if one is there (or arrives) within ``timeout`` seconds, else None.

        None only after watching the whole time: the last look is at or after the deadline.
        """
        try:
            return self._poll(address, subject_contains, timeout)[0]
        except WaitTimedOut:
            return None

    def _poll(self, address: str, subject_contains: str, timeout: float) -> list[Email]:
        def matching() -> list[Email]:
            return [m for m in self.messages_to(address) if subject_contains in m.subject]

        polls: list = []
        try:
            with self.sink.http.unrecorded() as polls:
                return wait_until(
                    matching,
                    bool,
                    timeout=timeout,
                    what=f"an email to {address} with {subject_contains!r} in its subject",
                )
        finally:
            if polls:  # the report gets the last poll, not each of them
                self.sink.http.record(polls[-1])
