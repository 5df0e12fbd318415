"""Absolute URLs from answers: which configured service they lie under, and which are refused."""

from __future__ import annotations

import pytest

from handoff.http.client import ForeignUrl, HttpClient, ServiceClient, lies_under, service_for_url
from handoff.matching.json_payloads import BadJson, find_all
from handoff.variables.scenario_variables import doc_string_value


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("http://shop.test:8080/api/baskets/3/", "http://shop.test:8080/api", True),
        ("http://shop.test:8080/api", "http://shop.test:8080/api/", True),
        ("HTTP://Shop.Test:8080/api/x", "http://shop.test:8080/api", True),  # scheme and host are case-blind
        ("http://shop.test/x", "http://shop.test:80", True),  # the default port, written or not
        ("https://shop.test/x", "https://shop.test:443/", True),
        ("http://shop.test:8080/apiary/1", "http://shop.test:8080/api", False),  # a prefix ends at a "/"
        ("http://shop.test:8080/other/1", "http://shop.test:8080/api", False),
        ("https://shop.test:8080/api/1", "http://shop.test:8080/api", False),  # another scheme
        ("http://shop.test:8081/api/1", "http://shop.test:8080/api", False),  # another port
        ("http://evil.test:8080/api/1", "http://shop.test:8080/api", False),
        ("http://localhost:8080/api/1", "http://127.0.0.1:8080/api", False),  # names are not resolved
        ("http://shop.test:8080@evil.test/api/1", "http://shop.test:8080/api", False),  # user info is not a host
    ],
)
def test_a_url_lies_under_a_base_url_by_origin_and_path_prefix(url, base, expected):
    assert lies_under(url, base) is expected


def test_the_service_of_a_url_is_the_one_with_the_longest_configured_url_it_lies_under():
    services = {"gateway": "http://h:1", "orders": "http://h:1/orders", "cart": "http://h:2"}
    assert service_for_url("http://h:1/orders/7", services) == "orders"
    assert service_for_url("http://h:1/charges/7", services) == "gateway"
    assert service_for_url("http://h:3/orders/7", services) is None


def test_a_service_client_sends_paths_and_its_own_urls_and_refuses_others_naming_all_three():
    client = ServiceClient(HttpClient(timeout=1, connect_timeout=1), "orders", "http://h:1/api/")
    assert client.url_for("/baskets/3") == "http://h:1/api/baskets/3"
    assert client.url_for("http://h:1/api/baskets/3") == "http://h:1/api/baskets/3"
    with pytest.raises(ForeignUrl) as refused:
        client.url_for("http://h:2/api/baskets/3")
    message = str(refused.value)
    assert "http://h:2/api/baskets/3" in message and "'orders'" in message and "http://h:1/api " in message


def test_a_doc_string_is_json_when_it_starts_like_json_and_text_otherwise():
    assert doc_string_value('{"items": [{"sku": "A"}]}', "payload") == {"items": [{"sku": "A"}]}
    assert doc_string_value("  [1, 2]", "numbers") == [1, 2]
    assert doc_string_value("Dear Ann,\n{not json}", "letter") == "Dear Ann,\n{not json}"
    assert doc_string_value("42", "answer") == "42"  # a scalar stays text, as the doc string wrote it
    with pytest.raises(BadJson, match=r'variable "broken" .*read as JSON.*line 1, column'):
        doc_string_value('{"a": 1,}', "broken")


def test_find_all_gives_every_selected_value_in_order():
    document = {"items": [{"sku": "A", "id": 1}, {"sku": "B", "id": 2}, {"sku": "A", "id": 3}]}
    assert find_all(document, "$.items[?(@.sku == 'A')].id") == [1, 3]
    assert find_all(document, "$.items") == [document["items"]]  # one match: the list itself
    assert find_all(document, "$.nothing") == []
