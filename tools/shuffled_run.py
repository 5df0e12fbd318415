"""Run the suite in a shuffled order, to catch scenarios that depend on each other.

    .venv/bin/python tools/shuffled_run.py [--seed N] [behave options and paths]

Features are shuffled, and so are the scenarios (and rules) within each feature; the
steps of a scenario and the rows of an outline keep their order. The seed is printed
first; running again with ``--seed N`` gives the same order, to reproduce a failure.
behave 1.3 has no ordering option; this uses its runner extension point instead.
Exit status: behave's.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from behave.__main__ import run_behave  # noqa: E402
from behave.configuration import Configuration  # noqa: E402
from behave.model import Rule  # noqa: E402
from behave.runner import Runner  # noqa: E402


class ShuffledRunner(Runner):
    """behave's own runner, with the features and their scenarios in a seeded random order."""

    seed = 0

    def run_model(self, features=None):
        generator = random.Random(self.seed)
        features = list(self.features if features is None else features)
        generator.shuffle(features)
        for feature in features:
            _shuffle(feature, generator)
        return super().run_model(features)


def _shuffle(container, generator: random.Random) -> None:
    generator.shuffle(container.run_items)
    for item in container.run_items:
        if isinstance(item, Rule):
            _shuffle(item, generator)


def split_seed(args: list[str]) -> tuple[int | None, list[str]]:
    """``--seed N`` (or ``--seed=N``) out of the arguments; the rest go to behave."""
    seed, rest, items = None, [], iter(args)
    for arg in items:
        if arg == "--seed":
            seed = int(next(items))
        elif arg.startswith("--seed="):
            seed = int(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    return seed, rest


def main(args: list[str]) -> int:
    seed, behave_args = split_seed(args)
    seed = random.SystemRandom().randrange(1, 1_000_000) if seed is None else seed
    print(f"shuffled order: seed {seed} (again: tools/shuffled_run.py --seed {seed} {' '.join(behave_args)})".rstrip())
    sys.stdout.flush()
    ShuffledRunner.seed = seed
    return run_behave(Configuration(behave_args), runner_class=ShuffledRunner)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
