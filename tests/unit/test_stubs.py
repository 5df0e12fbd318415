"""Stubs of third parties: mapping files, answers, the journal, faults, and what failures say."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from handoff.config.errors import ConfigError
from handoff.faults.proxy import Fault, Mode
from handoff.matching.checker import Checker, ExpectationFailed
from handoff.report.attachments import NoAttachments
from handoff.report.masking import Masker
from handoff.stubs import checks
from handoff.stubs.mappings import load_mappings, mapping_from
from handoff.stubs.server import StubServer


def write(folder: Path, name: str, data) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data))


@pytest.fixture
def stub(tmp_path):
    write(
        tmp_path / "maps",
        "quotes.json",
        {
            "mappings": [
                {
                    "request": {"method": "POST", "urlPath": "/quotes"},
                    "response": {"status": 200, "jsonBody": {"a": 1}},
                },
                {
                    "request": {
                        "method": "GET",
                        "urlPathPattern": "/rates/[A-Z]+",
                        "queryParameters": {"v": {"equalTo": "2"}},
                    },
                    "response": {"status": 200, "body": "0.19", "headers": {"Content-Type": "text/plain"}},
                },
            ]
        },
    )
    server = StubServer("tax", load_mappings(tmp_path / "maps")).start()
    yield server
    server.close()


def call(stub: StubServer, method: str, target: str, **kwargs) -> requests.Response:
    return requests.request(method, stub.url + target, timeout=5, **kwargs)


def test_file_mappings_answer_and_every_request_is_recorded(stub):
    assert call(stub, "POST", "/quotes", json={"net": 10}).json() == {"a": 1}
    rate = call(stub, "GET", "/rates/EU?v=2")
    assert rate.text == "0.19" and rate.headers["Content-Type"] == "text/plain"
    assert call(stub, "GET", "/rates/EU?v=1").status_code == 404  # the query does not match
    journal = stub.received()
    assert [(r.method, r.target, r.answered) for r in journal] == [
        ("POST", "/quotes", 200),
        ("GET", "/rates/EU?v=2", 200),
        ("GET", "/rates/EU?v=1", 404),
    ]
    assert json.loads(journal[0].body) == {"net": 10}


def test_an_unmatched_request_is_told_which_mappings_there_are(stub):
    answer = call(stub, "DELETE", "/quotes/1")
    assert answer.status_code == 404
    assert answer.json()["error"] == "no mapping of stub 'tax' matches DELETE /quotes/1"
    assert any(line.startswith("POST /quotes -> 200") for line in answer.json()["mappings"])


def test_an_answer_set_in_a_scenario_wins_and_a_new_scenario_forgets_it(stub):
    stub.add(mapping_from({"request": {"method": "POST", "urlPath": "/quotes"}, "response": {"status": 503}}, "a step"))
    assert call(stub, "POST", "/quotes").status_code == 503
    stub.reset()
    assert call(stub, "POST", "/quotes").status_code == 200
    assert len(stub.received()) == 1  # the journal starts again too


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        (Fault(Mode.SERVER_ERRORS), 503),
        (Fault(Mode.DOWN), requests.exceptions.ConnectionError),
        (Fault(Mode.DROP), requests.exceptions.ConnectionError),
    ],
)
def test_the_generic_faults_play_on_a_stub(stub, fault, outcome):
    stub.set_fault(fault)
    if isinstance(outcome, int):
        assert call(stub, "POST", "/quotes").status_code == outcome
    else:
        with pytest.raises(outcome):
            call(stub, "POST", "/quotes")
    stub.set_fault(Fault())
    assert call(stub, "POST", "/quotes").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"response": {"status": 200}}, "a mapping needs a request object"),
        ({"request": {"method": "GET", "urlPth": "/x"}}, "unknown mapping key\\(s\\) urlPth"),
        ({"request": {"urlPathPattern": "("}}, "is not a regular expression"),
        ({"request": {}, "response": {"status": "ok"}}, "are numbers"),
        ({"request": {}, "response": {"jsonBody": {}, "body": "x"}}, "jsonBody or body, not both"),
    ],
)
def test_a_bad_mapping_file_names_the_file_and_what_is_wrong(tmp_path, data, message):
    write(tmp_path / "maps", "bad.json", data)
    with pytest.raises(ConfigError, match=message) as raised:
        load_mappings(tmp_path / "maps")
    assert "bad.json" in str(raised.value)


def test_a_failed_journal_check_lists_what_the_stub_did_receive(stub):
    world = SimpleNamespace(
        run=SimpleNamespace(dependency=lambda called: stub), report=NoAttachments(), check=Checker(Masker())
    )
    call(stub, "POST", "/quotes", json={"net": 10})
    checks.expect_received(world, "the tax service", 1, "POST", "/quotes")
    with pytest.raises(ExpectationFailed) as failed:
        checks.expect_received(world, "the tax service", 2, "POST", "/quotes")
    assert "POST /quotes requests the tax service received" in str(failed.value)
    assert "tax received 1 request(s):" in str(failed.value) and "POST /quotes -> 200" in str(failed.value)
    with pytest.raises(ExpectationFailed, match=r"\$.net: expected 11, got 10"):
        checks.expect_received_body(world, "the tax service", "POST", "/quotes", {"net": 11})
