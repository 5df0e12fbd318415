"""Waiting for email."""

import time
from unittest.mock import MagicMock

from handoff.email.mailbox import Mailbox
from handoff.http.client import Exchange, HttpClient, Response


def test_a_poll_reports_only_its_last_request():
    http = HttpClient(timeout=1, connect_timeout=1)
    recorded = []
    http.listeners.append(recorded.append)
    sink = MagicMock(http=http)
    answers = iter([[], [], [{"from": "a", "to": ["b"], "subject": "Hi", "body": "x"}]])

    def get(path, params):
        exchange = Exchange("mail", "GET", "http://mail/messages", {}, "", status=200)
        http.record(exchange)  # as HttpClient.request would
        response = MagicMock(spec=Response, status=200, exchange=exchange)
        response.json.return_value = {"items": next(answers)}
        return response

    sink.get.side_effect = get
    email = Mailbox(sink).wait_for("b", "Hi", timeout=5)
    assert email.subject == "Hi"
    assert len(recorded) == 1


def _sink(answers):
    http = HttpClient(timeout=1, connect_timeout=1)
    sink = MagicMock(http=http)
    polls = []

    def get(path, params):
        exchange = Exchange("mail", "GET", "http://mail/messages", {}, "", status=200)
        http.record(exchange)
        polls.append(time.monotonic())
        response = MagicMock(spec=Response, status=200, exchange=exchange)
        response.json.return_value = {"items": answers(len(polls))}
        return response

    sink.get.side_effect = get
    return sink, polls


def test_no_email_within_n_seconds_watches_the_whole_time():
    sink, polls = _sink(lambda poll: [])
    started = time.monotonic()
    assert Mailbox(sink).first_within("b", "", timeout=0.6) is None
    assert polls[-1] - started >= 0.6 and len(polls) > 2


def test_no_email_within_n_seconds_fails_at_the_first_one():
    message = {"from": "a", "to": ["b"], "subject": "Reminder", "body": "x"}
    sink, polls = _sink(lambda poll: [message] if poll >= 3 else [])
    started = time.monotonic()
    found = Mailbox(sink).first_within("b", "Remind", timeout=10)
    assert found is not None and found.subject == "Reminder"
    assert len(polls) == 3 and time.monotonic() - started < 5
