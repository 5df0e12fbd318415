"""Masking: no secret reaches a report, a message or a log."""

import pytest

from handoff.report.masking import Masker, luhn_valid, mask_card_numbers


def test_known_secret_values_are_masked_everywhere():
    masker = Masker(["s3cr3t-token-value"])
    assert masker.mask("token s3cr3t-token-value and again s3cr3t-token-value") == "token **** and again ****"


def test_short_values_are_not_taken_for_secrets():
    masker = Masker(["ab"])
    assert masker.mask("abc") == "abc"


def test_secret_headers_are_masked():
    masker = Masker()
    headers = masker.mask_headers({"Authorization": "Bearer abc", "Cookie": "sid=1", "Accept": "*/*"})
    assert headers == {"Authorization": "****", "Cookie": "****", "Accept": "*/*"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"password": "hunter22"}', '{"password": "****"}'),
        ('{"new_password":"a\\"b"}', '{"new_password":"****"}'),
        ('{"access_token": "x.y.z", "name": "Al"}', '{"access_token": "****", "name": "Al"}'),
        ("user=al&password=hunter22&x=1", "user=al&password=****&x=1"),
        ("postgresql://app:hunter22@127.0.0.1/db", "postgresql://app:****@127.0.0.1/db"),
        ("Authorization: Bearer abcdefghijkl", "Authorization: Bearer ****"),
    ],
)
def test_secrets_are_masked_by_structure(text, expected):
    assert Masker().mask(text) == expected


def test_card_numbers_keep_their_last_four_digits():
    assert mask_card_numbers("card 4242424242424242 ok") == "card ************4242 ok"
    assert mask_card_numbers("card 4242 4242 4242 4242") == "card ************4242"


def test_card_number_fields_keep_only_the_last_four_digits_whatever_they_hold():
    assert Masker().mask('{"card_number": "4000000000000500"}') == '{"card_number": "************0500"}'
    assert Masker().mask('{"cardNumber": "12"}') == '{"cardNumber": "************"}'


def test_numbers_that_are_not_card_numbers_stay():
    assert mask_card_numbers("order 1234567890123") == "order 1234567890123"  # fails the Luhn check
    assert mask_card_numbers("id 12345") == "id 12345"


def test_luhn():
    assert luhn_valid("4242424242424242")
    assert luhn_valid("4000000000000002")
    assert not luhn_valid("4242424242424241")


def test_a_scenarios_secrets_are_forgotten_at_its_end_the_runs_are_kept():
    masker = Masker(["run-secret-1"])
    masker.add_for_scenario("alice-token-123")
    assert masker.mask("run-secret-1 alice-token-123") == "**** ****"
    masker.forget_scenario_secrets()
    assert masker.mask("run-secret-1 alice-token-123") == "**** alice-token-123"
