"""The to-do service, started for a test, with the port of its notification service's stub."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.run.processes import free_port
from tests.other_system.todo_service import TodoService
from tests.suite.behave_run import BehaveResult, run_behave

HERE = Path(__file__).resolve().parent


@pytest.fixture
def notify_port():
    return free_port()


@pytest.fixture
def todo_service(tmp_path, notify_port):
    service = TodoService(tmp_path / "todo.db", notify_url=f"http://127.0.0.1:{notify_port}/notifications").start()
    yield service
    service.stop()


@pytest.fixture
def run_todo(todo_service, notify_port, tmp_path):
    """behave against the to-do service, as its team would run it (-D env=todo)."""

    def run(*args: str) -> BehaveResult:
        return run_behave(
            tmp_path / "run",
            *args,
            "-D",
            "env=todo",
            env={
                "HANDOFF_CONFIG_DIR": str(HERE / "config"),
                "TODO_URL": todo_service.url,
                "TODO_DATABASE_URL": f"sqlite:///{todo_service.database}",
                "NOTIFY_PORT": str(notify_port),
            },
        )

    return run
