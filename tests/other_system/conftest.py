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


def behave_against(
    workdir: Path, service: TodoService, notify_port: int, *args: str, environment: str = "todo", **variables: str
) -> BehaveResult:
    """behave against the to-do service, as its team would run it (-D env=todo)."""
    return run_behave(
        workdir,
        *args,
        "-D",
        f"env={environment}",
        env={
            "HANDOFF_CONFIG_DIR": str(HERE / "config"),
            "TODO_URL": service.url,
            "TODO_DATABASE_URL": f"sqlite:///{service.database}",
            "NOTIFY_PORT": str(notify_port),
            **variables,
        },
    )


@pytest.fixture
def run_todo(todo_service, notify_port, tmp_path):
    return lambda *args: behave_against(tmp_path / "run", todo_service, notify_port, *args)
