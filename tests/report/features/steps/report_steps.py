"""Steps that make each kind of failure happen for real, so the report's tests can check
how each one is classified and shown. Not part of the sample suite's vocabulary."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

from behave import given, then, when

from handoff.config.settings import DatabaseConfig
from handoff.database.databases import Databases
from handoff.run.processes import free_port


@when("the test asks the catalog for product {product_id:d}")
def step_ask_catalog(context, product_id):
    context.answer = context.world.run.client("catalog").get(f"/products/{product_id}")


@then("the catalog knows the product")
def step_catalog_knows(context):
    context.world.check.equal(
        "the catalog's status for the product", 200, context.answer.status, context.answer.exchange
    )


@when("the test calls a service that is not running")
def step_call_closed_port(context):
    context.world.run.http.request("ledger", "GET", f"http://127.0.0.1:{free_port()}/entries")


@when("the test calls a service that never answers")
def step_call_silent_service(context):
    with socket.socket() as silent:  # accepts connections (the backlog does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        context.world.run.http.request("ledger", "GET", f"http://127.0.0.1:{port}/entries", timeout=0.3)


@when("the test reads a database that cannot be opened")
def step_read_missing_database(context):
    missing = Path(context.world.run.run_dir or "/nonexistent") / "no-such-folder" / "ledger.db"
    databases = Databases({"ledger": DatabaseConfig("ledger", f"sqlite:///{missing}")})
    try:
        databases.query("ledger", "SELECT 1")
    finally:
        databases.dispose()


@when("the step code has a bug")
def step_with_bug(context):
    {}["missing key"]


@given("a step that fails the first time it runs")
def step_fails_once(context):
    marker = Path(os.environ["HANDOFF_FLAKY_MARKER"])
    if not marker.exists():
        marker.write_text("failed once\n")
        context.world.check.equal("attempt", "a later one", "the first")


@given("the {service} service is killed")
def step_kill_service(context, service):
    run = context.world.run
    processes = [r.process for r in (run.processes.running if run.processes else []) if r.service.name == service]
    if processes:
        os.killpg(processes[0].pid, signal.SIGKILL)
        processes[0].wait(timeout=10)
        return
    container = next(c.container for c in run.containers.running if c.service.name == service)
    container.kill()
    container.wait(timeout=30)
