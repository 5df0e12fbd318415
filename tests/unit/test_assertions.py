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


def test_rows_compare_credential_columns_on_their_values_and_show_them_masked():
    checker = Checker(Masker())
    checker.rows("users", [{"email": "a@x", "api_key": "k-1"}], [{"email": "a@x", "api_key": "k-1"}])
    with pytest.raises(ExpectationFailed) as error:
        checker.rows("users", [{"email": "a@x", "api_key": "k-1"}], [{"email": "a@x", "api_key": "k-2"}])
    message = str(error.value)
    assert "| a@x   | ****    |" in message and "k-1" not in message and "k-2" not in message


def test_a_wrong_status_shows_the_masked_body_capped():
    from handoff.http.response_checks import STATUS_BODY_LIMIT, expect_status

    class Answer:
        status = 400
        text = '{"error": "invalid", "access_token": "abc.def", "detail": "' + "x" * 3000 + '"}'
        exchange = Exchange("todo", "POST", "http://127.0.0.1:1/todos", {}, "", status=400, reason="Bad Request")

    expect_status(Checker(Masker()), Answer(), 400)  # the right status: nothing to say
    with pytest.raises(ExpectationFailed) as error:
        expect_status(Checker(Masker()), Answer(), 201)
    message = str(error.value)
    assert "expected: 201" in message and "actual:   400" in message
    assert '"error": "invalid"' in message and '"access_token": "****"' in message and "abc.def" not in message
    assert f"first {STATUS_BODY_LIMIT} shown" in message and "x" * 3000 not in message
