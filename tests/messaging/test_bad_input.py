"""Mistakes in message steps and an unreachable broker, each with a message that says what to do."""

from __future__ import annotations

from tests.messaging.conftest import HERE
from tests.suite.behave_run import run_behave


def test_each_mistake_is_named(run_billing):
    result = run_billing(features=HERE / "bad_features")
    # mistakes in the test are errors, a message that does not come is a failure
    assert result.statuses() == {"error": 4, "failed": 1}, result.output[-5000:]
    output = result.output
    assert "no broker named 'bililng' in this environment (declared: 'billing')" in output
    assert "the message body is not valid JSON" in output and "line 1, column 18" in output
    assert "broker 'billing' has no queue 'billing.ordres'" in output
    assert "exchange 'audit' of broker 'billing' is not observed" in output
    assert 'observe = [..., "audit"]' in output
    assert "a message 'order.paid' on exchange 'orders' of broker 'billing' within 1 s" in output
    assert '$.order_id: expected "other", got "late"' in output


def test_an_unreachable_broker_fails_the_run_before_the_first_scenario(tmp_path):
    url = "amqp://guest:s3cret-pass-word@127.0.0.1:9//"  # nothing listens on port 9
    result = run_behave(
        tmp_path / "run",
        str(HERE / "features"),
        "-D",
        "env=billing",
        env={
            "HANDOFF_CONFIG_DIR": str(HERE / "config"),
            "BILLING_SCRIPT": str(HERE / "billing_service.py"),
            "BILLING_BROKER_URL": url,
        },
        timeout=120,
    )
    assert result.exit_code != 0
    assert "broker 'billing' is unreachable at amqp://guest:****@127.0.0.1:9//" in result.output, result.output
    assert "s3cret-pass-word" not in result.output
    assert result.scenarios == [] or all(s["status"] != "passed" for s in result.scenarios)
