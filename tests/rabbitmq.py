"""A RabbitMQ node of the tests' own (Debian's rabbitmq-server), and the fixture that starts it once."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from handoff.run.processes import free_port
from tests.needs import missing

# Debian's own scripts, not the wrappers in /usr/sbin, which switch to the rabbitmq user (who
# cannot read the test's folders): the node runs as whoever runs the tests.
RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
RABBITMQ_SERVER = RABBITMQ_BIN / "rabbitmq-server"
RABBITMQCTL = RABBITMQ_BIN / "rabbitmqctl"


class RabbitMQ:
    """A RabbitMQ node of the test session's own: loopback only, its own name, port and folders.

    Started as Debian's rabbitmq-server starts it (about 10 s), stopped with rabbitmqctl; the
    Erlang port mapper it starts listens on a port of its own and is ended there. No other node is touched.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.node = f"handoff{self.port}@localhost"
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "ERL_EPMD_PORT": str(self.epmd_port),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_FEATURE_FLAGS_FILE": str(self.folder / "feature_flags"),
            "ERL_CRASH_DUMP": str(self.folder / "erl_crash.dump"),
            "HOME": str(self.folder),
        }

    def start(self, timeout: float = 60) -> RabbitMQ:
        for folder in (self.folder, self.folder / "mnesia", self.folder / "log"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "enabled_plugins").write_text("[].\n")
        log = (self.folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            [str(RABBITMQ_SERVER)], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            ready = subprocess.run(
                [str(RABBITMQCTL), "-n", self.node, "await_startup", "--timeout", "5"],
                env=self.env, capture_output=True, timeout=30,
            )  # fmt: skip
            if ready.returncode == 0:
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"RabbitMQ did not start; {self.folder / 'server.log'}:\n" + _tail(self.folder))

    def stop(self) -> None:
        if self.process is None:
            return
        subprocess.run([str(RABBITMQCTL), "-n", self.node, "stop"], env=self.env, capture_output=True, timeout=60)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
        # the port mapper this node started, on its own port (ERL_EPMD_PORT): no other node uses it
        subprocess.run(["epmd", "-kill"], env=self.env, capture_output=True, timeout=10)
        self.process = None


def _tail(folder: Path) -> str:
    try:
        return "\n".join((folder / "server.log").read_text(errors="replace").splitlines()[-20:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def rabbitmq(tmp_path_factory):
    """A RabbitMQ for the session; without rabbitmq-server a skip (with CI=true a failure)."""
    if not RABBITMQ_SERVER.exists():
        missing("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
    broker = RabbitMQ(tmp_path_factory.mktemp("rabbitmq")).start()
    yield broker
    broker.stop()
