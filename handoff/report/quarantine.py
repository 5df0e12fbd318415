"""Quarantined scenarios: their failures are reported, not counted, until a date passes.

A team that knows a scenario is flaky, and who fixes it by when, tags it::

    @quarantine:alice:2027-01-31
    Scenario: The confirmation email arrives

Until that day ends, a failure of that scenario still shows in the report (muted, with
who owns it and until when), but does not fail the run's outcome: not for a bare
``behave`` with Handoff's runner (the ``runner`` line ``handoff init`` writes into
``behave.ini``), nor ``make run``, ``handoff run`` or a parallel run. From the next day
on it counts again, and the run says that the quarantine has expired. A quarantine tag
without an owner or a valid date is an error: a quarantine nobody owns never ends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TAG = re.compile(r"^quarantine:(?P<owner>[^:\s]+):(?P<until>\d{4}-\d{2}-\d{2})$")
BAD = ("failed", "broken")


class BadQuarantine(ValueError):
    """A quarantine tag without an owner and a date: quarantine:<owner>:<YYYY-MM-DD>."""


@dataclass(frozen=True)
class Quarantine:
    owner: str
    until: dt.date

    def in_force(self, today: dt.date) -> bool:
        return today <= self.until

    @classmethod
    def from_tags(cls, tags: Iterable[str]) -> Quarantine | None:
        for tag in tags:
            if not tag.startswith("quarantine"):
                continue
            match = TAG.match(tag)
            if not match:
                raise BadQuarantine(
                    f"@{tag}: write @quarantine:<owner>:<YYYY-MM-DD>, e.g. @quarantine:alice:2027-01-31"
                )
            try:
                until = dt.date.fromisoformat(match["until"])
            except ValueError:
                raise BadQuarantine(f"@{tag}: {match['until']} is not a date") from None
            return cls(match["owner"], until)
        return None


def muting(tags: Iterable[str], today: dt.date | None = None) -> Quarantine | None:
    """The quarantine in force for a scenario with these tags; None without one, or once it expired.

    A malformed quarantine tag mutes nothing (:func:`apply` reports it).
    """
    try:
        quarantine = Quarantine.from_tags(tags)
    except BadQuarantine:
        return None
    if quarantine is None or not quarantine.in_force(today or dt.date.today()):
        return None
    return quarantine


@dataclass
class QuarantineOutcome:
    muted: list[str]  # failures not counted: "name (owner alice, until 2027-01-31)"
    expired: list[str]  # failures counted again: the quarantine's date has passed
    counted: list[str]  # other failures

    @property
    def only_muted_failures(self) -> bool:
        return bool(self.muted) and not self.expired and not self.counted


def apply(results_dir: Path, today: dt.date | None = None) -> QuarantineOutcome:
    """Mark the failures of quarantined scenarios as muted in their results; say what counts."""
    today = today or dt.date.today()
    outcome = QuarantineOutcome([], [], [])
    for path in sorted(results_dir.glob("*-result.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if result.get("status") not in BAD:
            continue
        tags = [label["value"] for label in result.get("labels", []) if label.get("name") == "tag"]
        name = result.get("name", path.name)
        try:
            quarantine = Quarantine.from_tags(tags)
        except BadQuarantine as error:
            outcome.counted.append(f"{name} ({error})")
            continue
        if quarantine is None:
            outcome.counted.append(name)
        elif quarantine.in_force(today):
            details = result.setdefault("statusDetails", {})
            details["muted"] = True
            details["message"] = (
                f"QUARANTINED (owner {quarantine.owner}, until {quarantine.until}): not counted.\n"
                + details.get("message", "")
            )
            path.write_text(json.dumps(result), encoding="utf-8")
            outcome.muted.append(f"{name} (owner {quarantine.owner}, until {quarantine.until})")
        else:
            outcome.expired.append(f"{name} (owner {quarantine.owner}, expired {quarantine.until})")
    return outcome
