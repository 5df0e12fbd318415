"""The generic message vocabulary against a billing service the shop does not contain."""


def test_features_on_the_embedded_broker(run_billing):
    result = run_billing()
    assert result.exit_code == 0, result.output[-5000:]
    assert result.statuses() == {"passed": 5}


def test_features_on_a_real_rabbitmq(run_billing, rabbitmq):
    result = run_billing(broker_url=rabbitmq.url)
    assert result.exit_code == 0, result.output[-5000:]
    assert result.statuses() == {"passed": 5}
