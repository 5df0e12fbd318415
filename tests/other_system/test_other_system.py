"""The generic vocabulary against a system the shop does not contain, with configuration only."""

from tests.other_system.conftest import HERE


def test_features_run_against_a_system_described_only_by_configuration(run_todo):
    result = run_todo(str(HERE / "features"))
    assert result.exit_code == 0, result.output[-4000:]
    assert result.statuses() == {"passed": 8}
