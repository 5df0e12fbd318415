"""Which scenarios a run selects, and how they split over shards and workers.

A scenario is known by its *location* (``features/cart/cart.feature:12``; an
example row of a Scenario Outline by the row's line) and by a stable *key*, the
feature path plus the scenario's name, which does not change when lines move.

Sharding (``-D shard=K/N``, many machines) is deterministic: every shard computes
the same full list from the same checkout, orders it by a stable hash of the keys,
and takes every N-th scenario, starting at the K-th. So N jobs together run every
scenario exactly once, and the shards differ in size by one scenario at most.

Workers on one machine get their scenarios by longest-first packing: estimated
cost from the last run's durations when known, else from the number of steps.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardError(ValueError):
    """A shard was given in a form other than K/N with 1 <= K <= N."""


@dataclass(frozen=True)
class ScenarioRef:
    """One runnable scenario (or one example row of an outline)."""

    location: str  # relative feature path and line: what behave itself prints
    name: str
    steps: int = 1

    @property
    def path(self) -> str:
        return self.location.rsplit(":", 1)[0]

    @property
    def key(self) -> str:
        return f"{self.path}::{self.name}"


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written: "2/4" is index 2 of 4
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = _SHARD.fullmatch(str(text))
    if not match:
        raise ShardError(f"invalid shard {text!r}: write K/N, e.g. shard=2/4 (the 2nd of 4 jobs)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"invalid shard {text!r}: K must be between 1 and N (1/{max(count, 1)} ... {count}/{count})")
    return Shard(index, count)


def stable_hash(key: str) -> int:
    """The same number on every machine and Python (unlike ``hash()``)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def select_shard(scenarios: Sequence[ScenarioRef], shard: Shard) -> list[ScenarioRef]:
    """The scenarios of one shard; together the N shards hold each scenario once."""
    ordered = sorted(scenarios, key=lambda s: (stable_hash(s.key), s.key, s.location))
    chosen = {s.location for s in ordered[shard.index - 1 :: shard.count]}
    return [s for s in scenarios if s.location in chosen]  # keep file order inside the shard


def distribute(
    scenarios: Sequence[ScenarioRef], workers: int, durations: Mapping[str, float] | None = None
) -> list[list[ScenarioRef]]:
    """Pack scenarios into ``workers`` lists of about equal expected duration.

    Longest first onto the least loaded worker; each list keeps the scenarios' file
    order so that a worker walks each feature file once.
    """
    if workers < 1:
        raise ValueError("at least one worker")
    durations = durations or {}
    known = [durations[s.key] for s in scenarios if s.key in durations]
    per_step = (sum(known) / sum(s.steps for s in scenarios if s.key in durations)) if known else 1.0

    def cost(scenario: ScenarioRef) -> float:
        return durations.get(scenario.key, scenario.steps * per_step)

    loads = [(0.0, worker) for worker in range(workers)]
    assigned: list[set[str]] = [set() for _ in range(workers)]
    for scenario in sorted(scenarios, key=lambda s: (-cost(s), s.key, s.location)):
        load, worker = heapq.heappop(loads)
        assigned[worker].add(scenario.location)
        heapq.heappush(loads, (load + cost(scenario), worker))
    plans = [[s for s in scenarios if s.location in chosen] for chosen in assigned]
    return [plan for plan in plans if plan]


def collect_scenarios(config) -> list[ScenarioRef]:
    """What ``behave`` with this configuration would run: paths, tags, names, excludes."""
    from behave.runner import Runner
    from behave.runner_util import collect_feature_locations, parse_features

    if not config.paths:  # behave's default: the features beside the nearest steps/ or environment.py
        runner = Runner(config)
        with runner.path_manager:
            runner.setup_paths()

    locations = [loc for loc in collect_feature_locations(config.paths) if not config.exclude(loc)]
    features = parse_features(locations, language=config.lang)
    return list(scenarios_of(features, config))


def scenarios_of(features: Iterable, config=None) -> Iterable[ScenarioRef]:
    for feature in features:
        background = len(feature.background.steps) if feature.background else 0
        for scenario in feature.walk_scenarios():
            if scenario.should_run(config):
                yield ScenarioRef(scenario_location(scenario), scenario.name, background + len(scenario.steps))


def scenario_location(scenario) -> str:
    return f"{relative_path(scenario.filename)}:{scenario.line}"


def relative_path(filename: str) -> str:
    path = Path(filename).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_durations(path: Path) -> dict[str, float]:
    """Seconds per scenario key from an earlier run; empty when there is none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)} if isinstance(data, dict) else {}


def write_durations(path: Path, durations: Mapping[str, float]) -> None:
    merged = {**read_durations(path), **{k: round(v, 4) for k, v in durations.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
