"""Messages handed between services through a broker: publish, observe, check.

An environment declares its brokers::

    [brokers.shop]
    url = "amqp://guest:guest@127.0.0.1:5672//"   # or filesystem:///{run_dir}/broker (the embedded one)
    observe = ["shop.events", "shop.dead-letters"]  # exchanges watched from each scenario's start

Every scenario binds a temporary queue of its own to each observed exchange before its
first step (:mod:`handoff.messaging.observer`), so the messages a step causes are seen
without taking any from the system's own consumers. Steps publish
(:func:`handoff.messaging.checks.publish`), await and count messages, and look into a
queue without consuming it (a dead-letter queue). kombu gives one API over AMQP and
its virtual transports (:mod:`handoff.messaging.connection`).
"""
