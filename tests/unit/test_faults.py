"""The fault-injecting proxy (handoff/faults/proxy.py) against a tiny local HTTP server, and its configuration."""

from __future__ import annotations

import http.client
import smtplib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from handoff.config.settings import ConfigError, load_settings
from handoff.faults.proxies import FaultProxies, proxy_configs
from handoff.faults.proxy import NO_FAULT, Fault, FaultProxy, Mode, ProxyLoop


class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real services do

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(body)
        answer = b'{"status": "approved"}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    server.received = []
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def loop():
    proxy_loop = ProxyLoop()
    yield proxy_loop
    proxy_loop.close()


@pytest.fixture
def proxy(upstream, loop):
    started = FaultProxy("gateway", "127.0.0.1", upstream.server_address[1], "http", loop).start()
    yield started
    started.stop()


@pytest.fixture
def session():
    with requests.Session() as client:
        client.trust_env = False
        yield client


def charge(session, proxy, timeout=5.0):
    return session.post(proxy.url + "/charges", json={"amount_cents": 100}, timeout=timeout)


def test_passes_requests_through_unchanged(proxy, upstream, session):
    response = charge(session, proxy)
    assert (response.status_code, response.json()) == (201, {"status": "approved"})
    assert upstream.received == [b'{"amount_cents": 100}']


def test_an_observing_proxy_keeps_each_http_exchange_it_forwards_unchanged(proxy, upstream, session):
    proxy.observe()
    first, second = charge(session, proxy), charge(session, proxy)  # one keep-alive connection, two exchanges
    assert (first.status_code, second.json()) == (201, {"status": "approved"})
    deadline = time.monotonic() + 5
    observed = []
    while len(observed) < 2 and time.monotonic() < deadline:
        observed += proxy.take_observed()
        time.sleep(0.01)
    assert [(o.method, o.target, o.status) for o in observed] == [("POST", "/charges", 201)] * 2
    assert observed[0].request_body == b'{"amount_cents": 100}' and upstream.received == [observed[0].request_body] * 2
    assert observed[0].response_body == b'{"status": "approved"}'
    assert ("Content-Type", "application/json") in observed[0].response_headers
    assert proxy.take_observed() == []  # taken once


def test_a_proxy_reads_nothing_unless_asked_and_what_it_cannot_parse_still_passes(proxy, upstream, session):
    assert charge(session, proxy).status_code == 201
    assert proxy.take_observed() == []
    proxy.observe()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as raw:
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")  # the tap gives up; the bytes still reach the service
        answer = b"".join(iter(lambda: raw.recv(4096), b""))
        assert b"Bad request" in answer  # the service's own refusal, forwarded back
    assert proxy.take_observed() == []


def test_down_refuses_every_connection(proxy, upstream, session):
    proxy.set_fault(Fault(Mode.DOWN))
    with pytest.raises(requests.ConnectionError):
        charge(session, proxy)
    assert upstream.received == []


def test_server_errors_answers_503_itself(proxy, upstream, session):
    proxy.set_fault(Fault(Mode.SERVER_ERRORS))
    response = charge(session, proxy)
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert upstream.received == []


def test_drop_reads_the_request_and_closes_without_an_answer(proxy, upstream, session):
    proxy.set_fault(Fault(Mode.DROP))
    with pytest.raises(requests.ConnectionError):
        charge(session, proxy)
    assert upstream.received == []


def test_slow_never_forwards_a_request_whose_client_gave_up(proxy, upstream, session):
    proxy.set_fault(Fault(Mode.SLOW, 0.5))
    with pytest.raises(requests.Timeout):
        charge(session, proxy, timeout=0.1)
    time.sleep(0.8)  # the hold is over: a request still waiting would have been forwarded by now
    assert upstream.received == []


def test_slow_forwards_after_the_hold_when_the_client_waits(proxy, upstream, session):
    proxy.set_fault(Fault(Mode.SLOW, 0.2))
    response = charge(session, proxy)
    assert response.status_code == 201
    assert len(upstream.received) == 1


def test_a_new_fault_closes_pooled_connections_so_none_slips_past_it(proxy, upstream, session):
    assert charge(session, proxy).status_code == 201  # a keep-alive connection now sits in the pool
    proxy.set_fault(Fault(Mode.SERVER_ERRORS))
    assert charge(session, proxy).status_code == 503
    proxy.set_fault(NO_FAULT)
    assert charge(session, proxy).status_code == 201
    assert len(upstream.received) == 2


def test_a_slow_hold_is_bounded():
    with pytest.raises(ValueError, match="0 to 60 seconds"):
        Fault(Mode.SLOW, 3600)
    with pytest.raises(ValueError):
        Fault(Mode.SLOW, 0)


def test_only_an_smtp_proxy_rejects_messages(proxy):
    with pytest.raises(ValueError, match="only an SMTP server rejects messages"):
        proxy.set_fault(Fault(Mode.REJECT_MESSAGES))


@pytest.fixture
def smtp_proxy(loop):
    started = FaultProxy("mail", "127.0.0.1", 9, "smtp", loop).start()  # never forwarded in these tests
    yield started
    started.stop()


def test_smtp_reject_messages_answers_554_after_data(smtp_proxy):
    smtp_proxy.set_fault(Fault(Mode.REJECT_MESSAGES))
    with smtplib.SMTP("127.0.0.1", smtp_proxy.port, timeout=5) as smtp, pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.sendmail("shop@example.test", ["alice@example.test"], "Subject: hi\r\n\r\nhello\r\n")
    assert refused.value.smtp_code == 554


def test_smtp_server_errors_greets_with_421(smtp_proxy):
    smtp_proxy.set_fault(Fault(Mode.SERVER_ERRORS))
    with pytest.raises(smtplib.SMTPConnectError) as refused:
        smtplib.SMTP("127.0.0.1", smtp_proxy.port, timeout=5)
    assert refused.value.smtp_code == 421


def test_smtp_down_resets_the_connection(smtp_proxy):
    smtp_proxy.set_fault(Fault(Mode.DOWN))
    with pytest.raises((smtplib.SMTPServerDisconnected, ConnectionError)):
        smtplib.SMTP("127.0.0.1", smtp_proxy.port, timeout=5)


def test_the_proxy_listens_on_loopback_only(proxy):
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    connection.connect()
    assert connection.sock.getpeername()[0] == "127.0.0.1"
    connection.close()
    assert proxy._server.sockets[0].getsockname()[0] == "127.0.0.1"


# configuration


def settings_with(tmp_path, toml: str):
    (tmp_path / "here.toml").write_text(
        '[services.gateway]\nurl = "http://127.0.0.1:9"\n'
        '[services.mail]\nurl = "http://127.0.0.1:9"\nports = ["http", "smtp"]\n' + toml
    )
    return load_settings({"env": "here"}, environ={}, config_dir=tmp_path)


def test_proxies_are_declared_per_dependency_with_sensible_defaults(tmp_path):
    settings = settings_with(
        tmp_path, '[proxies.gateway]\ntarget = "gateway"\n[proxies.mail]\ntarget = "mail"\nport = "smtp"\n'
    )
    configs = proxy_configs(settings)
    assert (configs["gateway"].port, configs["gateway"].protocol) == ("http", "http")
    assert (configs["mail"].port, configs["mail"].protocol) == ("smtp", "smtp")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[proxies.gateway]\ntarget = "bank"\n', "unknown service 'bank'"),
        ("[proxies.gateway]\nport = 1\n", "needs a target service"),
        ('[proxies.mail]\ntarget = "mail"\nport = "imap"\n', "has no port 'imap'"),
        ('[proxies.mail]\ntarget = "mail"\nprotocol = "ftp"\n', "protocol 'ftp'"),
        ('[proxies.mail]\ntarget = "mail"\ncalled = "Mail"\n', 'must be lower case and start with "the "'),
        (
            '[proxies.mail]\ntarget = "mail"\ncaled = "the mail server"\n',
            "unknown key proxies.mail.caled; did you mean 'proxies.mail.called'",
        ),
    ],
)
def test_a_wrong_proxy_declaration_says_what_to_fix(tmp_path, toml, message):
    with pytest.raises(ConfigError, match=message):
        proxy_configs(settings_with(tmp_path, toml))


def test_a_fault_on_an_undeclared_dependency_says_how_to_declare_it():
    with pytest.raises(ConfigError, match=r'no dependency called .the tax service.*called = "the tax service"'):
        FaultProxies({}).inject("the tax service", Fault(Mode.DOWN))


def test_dependencies_are_named_as_configuration_calls_them(tmp_path):
    toml = '[proxies.gateway]\ntarget = "bank"\ncalled = "the payment gateway"\n[proxies.mail]\ntarget = "mail"\n'
    configs = proxy_configs(settings_with(tmp_path, toml.replace('"bank"', '"mail"')))
    assert {config.called for config in configs.values()} == {"the payment gateway", "the mail"}
    with pytest.raises(ConfigError, match=r"declared: 'the payment gateway', 'the mail'"):
        FaultProxies(configs).inject("the tax service", Fault(Mode.DOWN))
