"""The message checks of the generic vocabulary, on the scenario's World.

Payloads are compared with handoff/matching, as HTTP responses are: JSON doc strings
with markers (``#uuid``, ``#string``, ``##number``, ...), in ``equal`` or ``contains``
mode, or against a JSON Schema. A routing key is matched as an AMQP topic binding:
``*`` one word, ``#`` any number of words (``order.*``, ``#``).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from handoff.matching.json_payloads import describe_mismatches, find, load_schema, parse_document, schema_errors
from handoff.matching.patterns import CONTAINS, EQUAL, MISSING, match
from handoff.messaging.messages import BrokerMessage
from handoff.messaging.observer import ScenarioMessages
from handoff.world import World

POLL_SECONDS = 0.05


@lru_cache(maxsize=256)
def _topic(pattern: str) -> re.Pattern:
    words = []
    for word in pattern.split("."):
        words.append({"*": r"[^.]+", "#": r".*"}.get(word, re.escape(word)))
    regex = r"\.".join(words).replace(r".*\.", r"(?:.*\.)?").replace(r"\..*", r"(?:\..*)?")
    return re.compile(f"^{regex}$")


def key_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``order.*`` matches ``order.paid``; ``#`` matches everything."""
    return pattern == "#" or _topic(pattern).match(routing_key) is not None


def messages(world: World) -> ScenarioMessages:
    return world.messages


# Publishing


def publish(world: World, broker: str, exchange: str, routing_key: str, body: str | None, to_queue: str = "") -> None:
    """Publish a message (JSON when it parses as JSON, else text) with the headers set before."""
    scenario = messages(world)
    connection = scenario._brokers().broker(broker)
    text = world.render(body or "") or ""
    routing_key = world.render(routing_key) or ""
    exchange = world.render(exchange) or ""
    content_type = "application/json" if _is_json(text) else "text/plain"
    if to_queue:
        connection.check_queue(to_queue)
        exchange, routing_key = "", to_queue
    else:
        connection.check_exchange(exchange)
    headers = {name: world.render(value) for name, value in scenario.next_headers.items()}
    scenario.next_headers = {}
    properties = {"content_type": content_type, "message_id": uuid.uuid4().hex}
    connection.publish(exchange, routing_key, text.encode("utf-8"), headers, properties)
    scenario.record_published(
        BrokerMessage(broker, exchange, routing_key, text, headers, properties, direction="published")
    )


def publish_again(world: World) -> BrokerMessage:
    """Publish that message again as it was (body, headers, message id): what a redelivery looks like."""
    message = that_message(world)
    scenario = messages(world)
    connection = scenario._brokers().broker(message.broker)
    properties = {k: v for k, v in message.properties.items() if k in ("content_type", "message_id", "correlation_id")}
    properties.setdefault("content_type", "application/json")
    connection.publish(message.exchange, message.routing_key, message.body.encode("utf-8"), message.headers, properties)
    again = BrokerMessage(message.broker, message.exchange, message.routing_key, message.body, message.headers,
                          properties, direction="published")  # fmt: skip
    scenario.record_published(again)
    return again


def publish_json_checked(text: str | None) -> str:
    """A doc string that claims to be JSON must be JSON (a feature's typo is named with line and column)."""
    stripped = (text or "").strip()
    if stripped.startswith(("{", "[")):
        parse_document(stripped, "the message body")
    return text or ""


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# Expecting


def _selected(found: Sequence[BrokerMessage], key: str, expected: Any, mode: str) -> list[BrokerMessage]:
    chosen = []
    for message in found:
        if not key_matches(key, message.routing_key):
            continue
        if expected is not None:
            payload = message.payload()
            if payload is MISSING or match(payload, expected, mode):
                continue
        chosen.append(message)
    return chosen


def _expected(world: World, text: str | None) -> Any:
    return None if not (text or "").strip() else parse_document(world.render(text), "the expected message")


def await_message(
    world: World, broker: str, exchange: str, key: str, text: str | None, mode: str, timeout: float
) -> BrokerMessage:
    """The first message on the exchange with a matching routing key (and payload), once it arrives."""
    scenario = messages(world)
    exchange, key = world.render(exchange), world.render(key)
    expected = _expected(world, text)
    deadline = time.monotonic() + timeout
    while True:
        found = scenario.collect(broker, exchange)
        chosen = _selected(found, key, expected, mode)
        if chosen:
            scenario.last = chosen[0]
            return chosen[0]
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    world.check.fail(
        f"a message {key!r} on exchange {exchange!r} of broker {broker!r} within {timeout:g} s",
        _nothing_matched(found, key, expected, mode),
    )
    raise AssertionError("unreachable")


def expect_count(
    world: World, broker: str, exchange: str, key: str, count: int, text: str | None, mode: str, seconds: float
) -> None:
    """Exactly ``count`` matching messages in ``seconds`` (waits all of it: a late duplicate counts too)."""
    scenario = messages(world)
    exchange, key = world.render(exchange), world.render(key)
    expected = _expected(world, text)
    deadline = time.monotonic() + seconds
    while True:
        chosen = _selected(scenario.collect(broker, exchange), key, expected, mode)
        if len(chosen) > count or time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    if chosen:
        scenario.last = chosen[0]
    what = f"messages {key!r} on exchange {exchange!r} of broker {broker!r} within {seconds:g} s"
    if expected is not None:
        what += f" {'matching' if mode == EQUAL else 'containing'} the expected payload"
    detail = f"expected: {count} message(s)\nactual:   {len(chosen)}"
    if chosen:
        detail += "\n" + "\n".join(f"  {message.summary()}" for message in chosen[:10])
    world.check.that(len(chosen) == count, what, detail)


def _nothing_matched(found: Sequence[BrokerMessage], key: str, expected: Any, mode: str) -> str:
    if not found:
        return "no message at all arrived on it in this scenario"
    lines = [f"{len(found)} message(s) arrived, none matching:"]
    for message in found[:10]:
        lines.append(f"  {message.summary()}")
    close = [m for m in found if key_matches(key, m.routing_key)]
    if close and expected is not None:
        payload = close[-1].payload()
        if payload is MISSING:
            lines.append(f"the last with routing key {close[-1].routing_key!r} is not JSON: {close[-1].body[:500]}")
        else:
            lines.append(f"the last with routing key {close[-1].routing_key!r} differs:")
            lines.append(describe_mismatches(match(payload, expected, mode), expected, payload))
    elif not close:
        keys = sorted({m.routing_key for m in found})
        lines.append(f"routing keys seen: {', '.join(keys)}; expected one matching {key!r}")
    return "\n".join(lines)


def that_message(world: World) -> BrokerMessage:
    last = messages(world).last
    if last is None:
        raise LookupError(
            'no message yet: start with \'Then a message "<routing key>" arrives on exchange "..." of broker "..."\''
        )
    return last


def save_value(world: World, path: str, name: str) -> None:
    message = that_message(world)
    value = find(message.json(), path)
    world.check.that(value is not MISSING, f"{path} in that message", f"there is nothing there: {message.summary()}")
    world.variables.save(name, value)


def expect_schema(world: World, schema_text: str, folders: Sequence[Path]) -> None:
    message = that_message(world)
    errors = schema_errors(message.json(), load_schema(schema_text, folders))
    world.check.that(
        not errors,
        f"that message ({message.routing_key!r} on {message.where}) against the JSON schema",
        "\n".join(errors),
        message,
    )


def expect_header(world: World, name: str, value: str) -> None:
    message, value = that_message(world), world.render(value)
    world.check.equal(f"header {name!r} of that message", value, message.headers.get(name), message)


def expect_in_queue(
    world: World, broker: str, queue: str, text: str | None, mode: str, timeout: float
) -> BrokerMessage:
    """A message in ``queue`` (read without taking it) whose payload matches, within ``timeout``."""
    scenario = messages(world)
    queue = world.render(queue)
    expected = _expected(world, text)
    deadline = time.monotonic() + timeout
    while True:
        found = scenario.browse(broker, queue)
        chosen = _selected(found, "#", expected, mode)
        if chosen or time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS * 4)
    if chosen:
        scenario.last = chosen[-1]
        for listener in scenario.listeners:
            listener(chosen[-1])
        return chosen[-1]
    world.check.fail(f"a message in queue {queue!r} of broker {broker!r} within {timeout:g} s",
                     _nothing_matched(found, "#", expected, mode))  # fmt: skip
    raise AssertionError("unreachable")


__all__ = ["CONTAINS", "EQUAL", "await_message", "expect_count", "expect_in_queue", "key_matches", "publish"]
