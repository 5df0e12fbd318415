"""Masking: no secret reaches a report, a message or a log."""

import pytest

from handoff.report.masking import Masker, luhn_valid, mask_card_numbers, masked_by_value


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


def test_a_short_database_password_is_masked_where_it_is_used_not_wherever_the_word_appears():
    warnings = []
    masker = Masker(warn=warnings.append)
    masker.add("shop", name="the password of databases.catalog.url")
    text = "the shop's catalog service (shop_catalog) reads postgresql://shop:shop@db:5432/shop"
    assert masker.mask(text) == "the shop's catalog service (shop_catalog) reads postgresql://shop:****@db:5432/shop"
    assert masker.mask('{"user": "shop", "password": "shop"}') == '{"user": "shop", "password": "****"}'
    assert masker.mask("user=shop&password=shop") == "user=shop&password=****"


def test_a_secret_too_short_to_be_masked_by_value_is_named_once_never_shown():
    warnings = []
    masker = Masker(warn=warnings.append)
    masker.add("shop", name="secret 'db_password'")
    masker.add("shop", name="secret 'db_password'")
    masker.add("shop", name="the password of databases.orders.url")  # the same value: said once
    masker.add("postgres", name="secret 'admin_password'")  # 8 characters, but a plain word
    masker.add("hunter22", name="secret 'api_key'")  # masked by value: no warning
    assert len(warnings) == 2
    assert "secret 'db_password'" in warnings[0] and "shorter than 8 characters" in warnings[0]
    assert "secret 'admin_password'" in warnings[1] and "single word" in warnings[1]
    assert not any("shop" in line.replace("'db_password'", "") for line in warnings)
    assert masker.mask("postgresql is up, key hunter22") == "postgresql is up, key ****"


@pytest.mark.parametrize(
    ("value", "by_value"),
    [("shop", False), ("devpass", False), ("postgres", False), ("hunter22", True), ("correcthorsebattery", True)],
)
def test_which_values_are_masked_wherever_they_appear(value, by_value):
    assert masked_by_value(value) is by_value


def test_headers_named_like_credentials_are_masked_whatever_their_name():
    headers = {"X-Auth-Token": "t", "Api-Key": "k", "Set-Cookie": "sid=1", "X-Session-Id": "s", "X-Request-Id": "r"}
    headers |= {"WWW-Authenticate": 'Bearer error="invalid_token"', "Access-Control-Allow-Credentials": "true"}
    assert Masker().mask_headers(headers) == {
        "X-Auth-Token": "****",
        "Api-Key": "****",
        "Set-Cookie": "****",
        "X-Session-Id": "****",
        "X-Request-Id": "r",
        "WWW-Authenticate": 'Bearer error="invalid_token"',  # says why, holds no secret
        "Access-Control-Allow-Credentials": "true",
    }


def test_credential_header_lines_in_text_are_masked():
    text = "Content-Type: application/json\nX-API-Key: abc\nCookie: sid=1; csrftoken=2\nAuthorization: Basic YWI6Y2Q="
    assert Masker().mask(text) == (
        "Content-Type: application/json\nX-API-Key: ****\nCookie: ****\nAuthorization: Basic ****"
    )
