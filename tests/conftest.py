"""Fixtures shared by every folder of the framework's tests: a RabbitMQ of their own (tests/rabbitmq.py)."""

from tests.rabbitmq import rabbitmq  # noqa: F401 - a session fixture, started only by the tests that ask for it
