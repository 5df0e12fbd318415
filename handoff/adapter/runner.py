"""The runner of a bare ``behave`` in a Handoff project: behave's own, with the quarantine rule.

``behave.ini`` names it (``handoff init`` writes the line)::

    [behave]
    runner = handoff.adapter.runner:Runner

It runs everything exactly as behave's runner does. Only the run's outcome differs: when
every failed scenario is under a quarantine still in force (``@quarantine:<owner>:<date>``,
see handoff/report/quarantine.py), the run passes, and says so, listing each one. A hook
error, an undefined step, an interrupted run or any other failure keeps the run failed.

It also loads the project's business phrases (``phrases/*.feature``, handoff/phrases/) right
after behave's step modules, so that a dry run checks them too, and never runs their files
as features.
"""

from __future__ import annotations

import sys
from pathlib import Path

from behave.exception import ConfigError
from behave.runner import Runner as BehaveRunner
from behave.runner import the_step_registry

from handoff.phrases import PhraseError, install, phrase_folders
from handoff.report.quarantine import muting


class Runner(BehaveRunner):
    def load_step_definitions(self, extra_step_paths=None):
        super().load_step_definitions(extra_step_paths)
        try:
            install(self.step_registry or the_step_registry, self.base_dir, self.config.paths)
        except PhraseError as error:  # behave prints a ConfigError and fails the run, dry or not
            raise ConfigError(f"the phrase definitions cannot work:\n{error}") from None

    def feature_locations(self):
        """behave's, less the phrase files (a run of the whole project folder would take them for features)."""
        if self.base_dir is None:  # behave reads a rerun file (@file) before it knows its base folder
            return super().feature_locations()
        folders = phrase_folders(self.base_dir, self.config.paths)
        return [
            location
            for location in super().feature_locations()
            if not any(folder in Path(location.filename).resolve().parents for folder in folders)
        ]

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
