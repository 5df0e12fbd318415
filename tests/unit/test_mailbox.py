"""Waiting for email."""

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
