"""Ports held from the moment they are chosen until their service starts."""

import socket
import subprocess
import sys

import pytest

from handoff.run.ports import PortReservations


def test_a_reserved_port_cannot_be_taken_by_anyone_else():
    ports = PortReservations()
    port = ports.reserve("api", "http")
    with socket.socket() as other, pytest.raises(OSError):
        other.bind(("127.0.0.1", port))
    ports.release("api")
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))  # free again


def test_a_service_can_be_handed_its_listening_socket():
    ports = PortReservations()
    port = ports.reserve("api", "http")
    fds = ports.fds("api", ["--listen-fd={fds.http}"])
    child = (
        "import socket, sys; s = socket.socket(fileno=int(sys.argv[1])); c, _ = s.accept(); c.sendall(b'hi'); c.close()"
    )
    process = subprocess.Popen([sys.executable, "-c", child, str(fds["http"])], pass_fds=[fds["http"]])
    ports.release("api")  # the parent's copy; the child keeps its own
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        assert connection.recv(2) == b"hi"
    assert process.wait(timeout=5) == 0


def test_asking_for_a_port_the_service_does_not_have_is_explained():
    ports = PortReservations()
    ports.reserve("api", "http")
    with pytest.raises(LookupError, match=r"asks for \{fds.smtp\}, but it has no port 'smtp'"):
        ports.fds("api", ["{fds.smtp}"])
