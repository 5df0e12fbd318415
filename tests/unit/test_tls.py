"""TLS verification is on by default; a service with its own CA's certificate needs http.ca_bundle.

A local HTTPS server uses a self-signed certificate made here with the ``openssl`` command.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from handoff.config.settings import load_settings
from handoff.http.client import HttpClient, ServiceUnreachable
from handoff.run.test_run import EnvironmentNotReady, TestRun
from tests.needs import missing


class Healthy(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key."""
    if shutil.which("openssl") is None:
        missing("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=handoff test CA",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def https_url(certificate) -> str:
    cert, key = certificate
    server = ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_untrusted_certificate_is_refused_naming_the_service_and_the_setting(https_url):
    client = HttpClient(timeout=5, connect_timeout=2)  # verification on: the default
    with pytest.raises(ServiceUnreachable) as refused:
        client.request("billing", "GET", https_url + "/health")
    message = str(refused.value)
    assert "service 'billing'" in message
    assert "TLS certificate could not be verified" in message
    assert "http.ca_bundle" in message


def test_the_configured_ca_bundle_is_trusted(https_url, certificate):
    client = HttpClient(timeout=5, connect_timeout=2, verify=str(certificate[0]))
    assert client.request("billing", "GET", https_url + "/health").status == 200


def _environment(tmp_path: Path, https_url: str, extra: str = "") -> TestRun:
    (tmp_path / "tls.toml").write_text(
        f'[run]\nstart_services = false\nreports_dir = "{tmp_path}"\n'
        f'[services.billing]\nurl = "{https_url}"\n[http]\nconnect_timeout = 2.0\n{extra}'
    )
    return TestRun(load_settings({"env": "tls"}, environ={}, config_dir=tmp_path))


def test_a_run_checks_the_environment_with_the_same_tls_trust(tmp_path, https_url, certificate):
    run = _environment(tmp_path, https_url)
    try:
        with pytest.raises(EnvironmentNotReady, match=r"service 'billing' .*http\.ca_bundle"):
            run.open()
    finally:
        run.close()

    run = _environment(tmp_path, https_url, f'ca_bundle = "{certificate[0]}"\n')
    try:
        run.open()
        assert run.client("billing").get("/health").status == 200
    finally:
        run.close()
