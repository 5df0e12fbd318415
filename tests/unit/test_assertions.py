"""Failure messages: expected and actual side by side, with evidence, masked."""

import pytest

from handoff.http.client import Exchange
from handoff.matching.checker import Checker, ExpectationFailed
from handoff.report.masking import Masker


def test_equal_shows_expected_actual_and_the_exchange():
    exchange = Exchange("orders", "POST", "http://127.0.0.1:1/checkout", {}, "", status=402, reason="Payment Required")
    with pytest.raises(ExpectationFailed) as error:
        Checker(Masker()).equal("order status", "PAID", "PAYMENT_FAILED", exchange)
    message = str(error.value)
    assert "order status:" in message
    assert "expected: 'PAID'" in message
    assert "actual:   'PAYMENT_FAILED'" in message
    assert "POST http://127.0.0.1:1/checkout -> 402 Payment Required" in message


def test_rows_compare_in_any_order_and_show_both_tables():
    checker = Checker(Masker())
    expected = [{"sku": "A", "qty": "1"}, {"sku": "B", "qty": "2"}]
    checker.rows("lines", expected, [{"sku": "B", "qty": 2, "extra": "x"}, {"sku": "A", "qty": 1}])
    with pytest.raises(ExpectationFailed) as error:
        checker.rows("lines", expected, [{"sku": "A", "qty": 1}])
    message = str(error.value)
    assert "expected rows:" in message and "actual rows:" in message
    assert "| B   | 2   |" in message


def test_failure_messages_are_masked():
    with pytest.raises(ExpectationFailed) as error:
        Checker(Masker(["tok-123456"])).equal("token", "tok-123456", "other")
    assert "tok-123456" not in str(error.value)
