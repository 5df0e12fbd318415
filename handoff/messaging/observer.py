"""Watching exchanges per scenario without taking messages from the system's consumers.

For each exchange a broker's configuration observes, a scenario declares a queue of its
own (``handoff.<run>.<scenario>.<exchange>``: exclusive and auto-deleted on AMQP) bound
to it, *before its first step*: so a message that a When step causes is already routed
to it by the time a Then step looks. The broker routes a copy of each message to every
bound queue, so the system's own queues get theirs untouched. The queue is deleted when
the scenario ends.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from handoff.messaging.brokers import Brokers, observed_binding
from handoff.messaging.connection import RawMessage
from handoff.messaging.messages import BrokerMessage

_numbers = itertools.count(1)


@dataclass
class Observation:
    """One temporary queue bound to one exchange, and what it has received so far."""

    broker: str
    exchange: str
    binding_key: str
    queue: str
    messages: list[BrokerMessage] = field(default_factory=list)


def to_message(broker: str, raw: RawMessage, direction: str, queue: str = "") -> BrokerMessage:
    return BrokerMessage(
        broker=broker,
        exchange=raw.exchange,
        routing_key=raw.routing_key,
        body=raw.body.decode("utf-8", errors="replace"),
        headers=raw.headers,
        properties={k: v for k, v in raw.properties.items() if v not in (None, "")},
        direction=direction,
        queue=queue,
        redelivered=raw.redelivered,
    )


class ScenarioMessages:
    """One scenario's messages: its observations, what it published, and "that message"."""

    def __init__(self, brokers: Brokers | None, run_id: str = "run") -> None:
        self.brokers = brokers
        self.run_id = run_id
        self.observations: dict[tuple[str, str], Observation] = {}
        self.published: list[BrokerMessage] = []
        self.last: BrokerMessage | None = None
        self.next_headers: dict[str, str] = {}
        self.listeners: list[Callable[[BrokerMessage], None]] = []

    def start(self) -> None:
        """Bind a temporary queue to every observed exchange (before the scenario's first step)."""
        if self.brokers is None:
            return
        number = next(_numbers)
        for name, config in self.brokers.configs.items():
            connection = self.brokers.broker(name)
            for spec in config.observe:
                exchange, key = observed_binding(spec)
                queue = f"handoff.{self.run_id}.{number}.{exchange}"
                connection.bind_temporary_queue(queue, exchange, key)
                self.observations[(name, exchange)] = Observation(name, exchange, key, queue)

    def stop(self) -> None:
        """Delete the scenario's temporary queues."""
        if self.brokers is None:
            return
        for observation in self.observations.values():
            self.brokers.broker(observation.broker).delete_queue(
                observation.queue, observation.exchange, observation.binding_key
            )
        self.observations.clear()

    def observation(self, broker: str, exchange: str) -> Observation:
        connection = self._brokers().broker(broker)  # an unknown broker: a clear error
        found = self.observations.get((broker, exchange))
        if found is None:
            observed = [e for (b, e) in self.observations if b == broker]
            raise LookupError(
                f"exchange {exchange!r} of broker {broker!r} is not observed, so its messages cannot be seen "
                f"(observed: {', '.join(map(repr, observed)) or 'none'}). Add it to the broker's configuration, "
                f'[brokers.{broker}] observe = [..., "{exchange}"]: observation starts before each scenario\'s '
                "first step, so that no message a step causes is missed"
            )
        connection.connect()
        return found

    def collect(self, broker: str, exchange: str) -> list[BrokerMessage]:
        """Everything observed on the exchange so far in this scenario (new ones fetched now)."""
        observation = self.observation(broker, exchange)
        for raw in self._brokers().broker(broker).take_all(observation.queue):
            message = to_message(broker, raw, "observed")
            observation.messages.append(message)
            for listener in self.listeners:
                listener(message)
        return observation.messages

    def collect_all(self) -> None:
        """Fetch what every observation received (after each step: each message is reported near its cause).

        A broker that fails here is left to the steps that look: they say so with their own context."""
        for broker, exchange in list(self.observations):
            with contextlib.suppress(Exception):
                self.collect(broker, exchange)

    def browse(self, broker: str, queue: str) -> list[BrokerMessage]:
        raws = self._brokers().broker(broker).browse(queue)
        return [to_message(broker, raw, "in queue", queue=queue) for raw in raws]

    def record_published(self, message: BrokerMessage) -> None:
        self.published.append(message)
        for listener in self.listeners:
            listener(message)

    def _brokers(self) -> Brokers:
        if self.brokers is None:
            raise LookupError(
                "this environment declares no broker; declare one: "
                '[brokers.<name>] url = "amqp://..." (or "filesystem:///{run_dir}/broker")'
            )
        return self.brokers
