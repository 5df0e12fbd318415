"""A call one service makes to another, held against the called service's description.

The orders service charges cards at the gateway through a fault proxy; the proxy reads
the HTTP it forwards. Here the gateway's description is a later version in which a
field of a charge changed type while the gateway did not: the call breaks it.
"""

from __future__ import annotations

import json

from tests.suite.behave_run import ROOT, run_behave

FEATURE = str(ROOT / "features" / "checkout" / "paying.feature")
SCENARIO = "Paying with an approved card"


def drifted_gateway(tmp_path) -> str:
    description = json.loads((ROOT / "shop" / "gateway" / "openapi.json").read_text())
    description["components"]["schemas"]["Charge"]["properties"]["amount_cents"] = {"type": "string"}
    path = tmp_path / "gateway" / "openapi-next.json"  # beside a copy of what its references reach
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "openapi.json").write_text((ROOT / "shop" / "common" / "openapi.json").read_text())
    path.parent.mkdir()
    path.write_text(json.dumps(description))
    return str(path)


def attachments_of(result, scenario: str) -> dict[str, str]:
    for path in result.allure_results.glob("*-result.json"):
        data = json.loads(path.read_text())
        if data["name"] == scenario:
            found = {a["name"]: a["source"] for step in data["steps"] for a in step.get("attachments", [])}
            return {name: (result.allure_results / source).read_text() for name, source in found.items()}
    raise AssertionError(f"no result for {scenario!r}")


def test_a_call_between_services_that_breaks_the_description_is_attached_under_its_step(tmp_path):
    drifted = drifted_gateway(tmp_path)
    result = run_behave(tmp_path / "run", FEATURE, "-n", SCENARIO, "-D", f"services.gateway.openapi={drifted}",
                        "-D", "services.gateway.contract=report")  # fmt: skip
    assert result.exit_code == 0, result.output[-4000:]
    found = attachments_of(result, SCENARIO)
    assert "Between services: POST gateway /charges -> 201" in found
    violation = found["Contract violation: gateway POST /charges"]
    assert "in the response at /amount_cents" in violation and "is not of type 'string'" in violation


def test_in_enforce_mode_the_scenario_fails_naming_the_call_between_services(tmp_path):
    drifted = drifted_gateway(tmp_path)
    result = run_behave(tmp_path / "run", FEATURE, "-n", SCENARIO, "-D", f"services.gateway.openapi={drifted}",
                        "-D", "services.gateway.contract=enforce")  # fmt: skip
    assert result.exit_code == 1, result.output[-4000:]
    assert "HOOK-ERROR in after_scenario: ContractViolation: POST http://127.0.0.1:" in result.output
    message = result.failure_message(SCENARIO)
    assert message.startswith("handoff.contracts.contracts.ContractViolation: between services: POST http://"), message
    assert "/charges -> 201 breaks the API description of 'gateway'" in message
