"""The generic vocabulary against a system the shop does not contain, with configuration only."""

from pathlib import Path

import pytest

from handoff.run.processes import free_port
from tests.other_system.todo_service import TodoService
from tests.suite.behave_run import run_behave

HERE = Path(__file__).resolve().parent


@pytest.fixture
def notify_port():
    return free_port()


@pytest.fixture
def todo_service(tmp_path, notify_port):
    service = TodoService(tmp_path / "todo.db", notify_url=f"http://127.0.0.1:{notify_port}/notifications").start()
    yield service
    service.stop()


def test_features_run_against_a_system_described_only_by_configuration(todo_service, notify_port, tmp_path):
    result = run_behave(
        tmp_path / "run",
        str(HERE / "features"),
        "-D",
        "env=todo",
        env={
            "HANDOFF_CONFIG_DIR": str(HERE / "config"),
            "TODO_URL": todo_service.url,
            "TODO_DATABASE_URL": f"sqlite:///{todo_service.database}",
            "NOTIFY_PORT": str(notify_port),
        },
    )
    assert result.exit_code == 0, result.output[-4000:]
    assert result.statuses() == {"passed": 8}
