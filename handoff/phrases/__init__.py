"""Business phrases defined in Gherkin, from other steps: no Python (Gauge's concepts, Karate's ``call``).

A team writes ``Given Alice is signed in with an empty basket`` once, in ``phrases/*.feature``
beside ``features/``: each ``Scenario:`` title is a phrase with ``{parameters}``, its steps
are what the phrase does (handoff/phrases/definitions.py). Handoff's runner reads them when
behave loads its steps, checks them and registers each as a step (registration.py), which
runs its inner steps as sub-steps (running.py).
"""

from handoff.phrases.definitions import Definition, PhraseError, phrase_files, phrase_folders, read_definitions
from handoff.phrases.registration import inner_step_definitions, install, phrase_of
from handoff.phrases.running import PhraseStepError, PhraseStepFailed

__all__ = [
    "Definition",
    "PhraseError",
    "PhraseStepError",
    "PhraseStepFailed",
    "inner_step_definitions",
    "install",
    "phrase_files",
    "phrase_folders",
    "phrase_of",
    "read_definitions",
]
