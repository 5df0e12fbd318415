"""The runner of a bare ``behave`` in a Handoff project: behave's own, with the quarantine rule.

``behave.ini`` names it (``handoff init`` writes the line)::

    [behave]
    runner = handoff.adapter.runner:Runner

It runs everything exactly as behave's runner does. Only the run's outcome differs: when
every failed scenario is under a quarantine still in force (``@quarantine:<owner>:<date>``,
see handoff/report/quarantine.py), the run passes, and says so, listing each one. A hook
error, an undefined step, an interrupted run or any other failure keeps the run failed.
"""

from __future__ import annotations

import sys

from behave.runner import Runner as BehaveRunner

from handoff.report.quarantine import muting


class Runner(BehaveRunner):
    def run_model(self, features=None):
        failed = super().run_model(features)
        if not failed or self.aborted or self.hook_failures or self.undefined_steps:
            return failed
        muted = quarantined_failures(features if features is not None else self.features)
        if muted is None:
            return failed
        for line in muted:
            print(f"handoff: QUARANTINED, failure not counted: {line}", file=sys.stdout)
        print("handoff: only quarantined scenarios failed: the run passes (they stay in the report)", file=sys.stdout)
        return False


def quarantined_failures(features) -> list[str] | None:
    """The failed scenarios, each with its quarantine; None when one failure is not quarantined (or none failed)."""
    muted = []
    for feature in features:
        failed = [scenario for scenario in feature.walk_scenarios() if scenario.status.has_failed()]
        if feature.status.has_failed() and not failed:
            return None  # failed outside its scenarios (a hook, a cleanup)
        for scenario in failed:
            quarantine = muting(scenario.effective_tags)
            if quarantine is None:
                return None
            muted.append(f"{scenario.name} (owner {quarantine.owner}, until {quarantine.until})")
    return muted or None
