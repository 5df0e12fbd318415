"""The observer takes nothing from the system's own consumers, on both transports.

A consumer's queue is bound to an exchange; a scenario's observation binds its own. Every
message published is then both in the consumer's queue and seen by the observer, and the
consumer's queue is left as it was when the observation ends.
"""

from __future__ import annotations

import json
import time

import pytest

from handoff.messaging.brokers import BrokerConfig, Brokers
from handoff.messaging.observer import ScenarioMessages

MESSAGES = 10


def _consumer_queue(connection, exchange: str, queue: str) -> None:
    channel = connection.channel()
    channel.exchange_declare(exchange=exchange, type="topic", durable=False, auto_delete=False)
    channel.queue_declare(queue=queue, durable=False, auto_delete=False)
    channel.queue_bind(queue=queue, exchange=exchange, routing_key="order.*")


@pytest.fixture(params=["embedded", "rabbitmq"])
def broker_url(request, tmp_path):
    if request.param == "embedded":
        return f"filesystem://{tmp_path / 'broker'}"
    return request.getfixturevalue("rabbitmq").url


def test_the_observer_steals_nothing(broker_url, tmp_path):
    exchange, queue = f"steal-test-{tmp_path.name}", f"consumer-{tmp_path.name}"
    brokers = Brokers({"b": BrokerConfig("b", broker_url, observe=(exchange,))})
    try:
        connection = brokers.broker("b")
        _consumer_queue(connection, exchange, queue)
        scenario = ScenarioMessages(brokers, "test")
        scenario.start()  # before anything is published, as before a scenario's first step
        for number in range(MESSAGES):
            body = json.dumps({"n": number}).encode()
            connection.publish(exchange, "order.paid", body, {}, {"content_type": "application/json"})
        deadline = time.monotonic() + 5
        while len(scenario.collect("b", exchange)) < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.05)
        observed = [m.payload()["n"] for m in scenario.collect("b", exchange)]
        scenario.stop()
        in_queue = [json.loads(m.body)["n"] for m in connection.browse(queue)]
        assert sorted(observed) == list(range(MESSAGES))
        assert sorted(in_queue) == list(range(MESSAGES)), "the consumer's queue lost messages to the observer"
        # browsing left them there, and the observation's own queue is gone
        assert len(connection.browse(queue)) == MESSAGES
        if connection.filesystem:
            assert all(not q.startswith("handoff.") for q in connection.bound_queues())
    finally:
        brokers.close()
