"""What steps do with a stub: set an answer, and check what it received (its journal)."""

from __future__ import annotations

import json
from typing import Any

from handoff.config.errors import ConfigError
from handoff.matching.json_payloads import describe_mismatches
from handoff.matching.patterns import EQUAL, match
from handoff.stubs.mappings import CannedResponse, StubMapping
from handoff.stubs.server import ReceivedRequest, StubServer
from handoff.world import World


class Journal:
    """A stub's journal as evidence under a failed check: every request it received."""

    def __init__(self, stub: StubServer) -> None:
        self.stub = stub
        self.requests = stub.received()

    def summary(self) -> str:
        lines = [f"{request.describe()}  {request.body[:200]}".rstrip() for request in self.requests]
        return f"{self.stub.name} received {len(lines)} request(s):\n" + ("\n".join(lines) or "(none)")


def stub_called(world: World, called: str) -> StubServer:
    dependency = world.run.dependency(called)
    if not isinstance(dependency, StubServer):
        raise ConfigError(
            f"{called} is a fault-injecting proxy in front of a real service, not a stub: it forwards every request. "
            f'To set its answers, declare a stub instead: [stubs.<name>] called = "{called}"'
        )
    return dependency


def answer(world: World, called: str, method: str, path: str, status: int, body: str | None = None) -> None:
    """From now on in this scenario, ``method path`` gets ``status`` (and ``body``, JSON when it parses)."""
    headers: dict[str, str] = {}
    payload = b""
    if body is not None and body.strip():
        payload = body.encode()
        try:
            json.loads(body)
            headers["Content-Type"] = "application/json"
        except ValueError:
            headers["Content-Type"] = "text/plain; charset=utf-8"
    target = {"url": path} if "?" in path else {"path": path}
    mapping = StubMapping(method=method, response=CannedResponse(status, headers, payload), priority=0, **target)
    stub_called(world, called).add(mapping)


def _requests_to(stub: StubServer, method: str, path: str) -> list[ReceivedRequest]:
    wanted = path if "?" in path else path.split("?", 1)[0]
    return [r for r in stub.received() if r.method == method and (r.target if "?" in path else r.path) == wanted]


def expect_received(world: World, called: str, count: int, method: str, path: str) -> None:
    stub = stub_called(world, called)
    journal = Journal(stub)
    world.report.on_stub_journal(called, journal.summary())
    found = _requests_to(stub, method, path)
    world.check.equal(f"{method} {path} requests {called} received", count, len(found), journal)


def expect_received_body(world: World, called: str, method: str, path: str, expected: Any) -> None:
    """At least one ``method path`` request whose JSON body matches ``expected`` (markers allowed)."""
    stub = stub_called(world, called)
    journal = Journal(stub)
    world.report.on_stub_journal(called, journal.summary())
    found = _requests_to(stub, method, path)
    differences = []
    for request in found:
        try:
            actual = json.loads(request.body)
        except ValueError:
            differences.append(f"{request.describe()}: the body is not JSON: {request.body[:200]!r}")
            continue
        mismatches = match(actual, expected, EQUAL)
        if not mismatches:
            return
        differences.append(describe_mismatches(mismatches, expected, actual))
    detail = "\n".join(differences) or f"no {method} {path} request at all"
    world.check.fail(f"a {method} {path} request to {called} with the expected body", detail, journal)
