"""Sharding and worker plans: every scenario runs exactly once, whatever N is."""

from __future__ import annotations

import pytest
from behave.configuration import Configuration
from behave.parser import parse_feature

from handoff.parallel.runner import keep_only, worker_arguments
from handoff.parallel.sharding import (
    ScenarioRef,
    ShardError,
    collect_scenarios,
    distribute,
    parse_shard,
    scenarios_of,
    select_shard,
)
from tests.suite.behave_run import ROOT


@pytest.fixture(scope="module")
def sample_suite(request) -> list[ScenarioRef]:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(ROOT)
    request.addfinalizer(monkeypatch.undo)
    config = Configuration(["features", "--tags=not @wip"], load_config=False)
    return collect_scenarios(config)


def synthetic(count: int) -> list[ScenarioRef]:
    return [ScenarioRef(f"features/f{i % 7}.feature:{10 + i}", f"scenario {i}", steps=1 + i % 5) for i in range(count)]


def test_the_sample_suite_lists_every_scenario_and_outline_row(sample_suite):
    assert len(sample_suite) >= 30
    assert len({s.location for s in sample_suite}) == len(sample_suite)
    assert all(s.location.startswith("features/") for s in sample_suite)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 8, 40])
def test_shards_together_hold_every_scenario_exactly_once(sample_suite, count):
    for scenarios in (sample_suite, synthetic(1000)):
        shards = [select_shard(scenarios, parse_shard(f"{k}/{count}")) for k in range(1, count + 1)]
        locations = [s.location for shard in shards for s in shard]
        assert sorted(locations) == sorted(s.location for s in scenarios)  # all of them, none twice
        sizes = [len(shard) for shard in shards]
        assert max(sizes) - min(sizes) <= 1


def test_a_shard_is_the_same_on_every_machine_and_in_any_listing_order(sample_suite):
    shard = parse_shard("2/3")
    assert select_shard(sample_suite, shard) == select_shard(list(sample_suite), shard)
    reordered = select_shard(list(reversed(sample_suite)), shard)
    assert {s.location for s in reordered} == {s.location for s in select_shard(sample_suite, shard)}


def test_a_shard_keeps_its_scenarios_when_lines_move():
    before = [ScenarioRef(f"features/a.feature:{10 + i}", f"s{i}") for i in range(20)]
    moved = [ScenarioRef(f"features/a.feature:{50 + i}", f"s{i}") for i in range(20)]
    shard = parse_shard("1/4")
    assert [s.name for s in select_shard(before, shard)] == [s.name for s in select_shard(moved, shard)]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "2", "1/2/3", ""])
def test_a_badly_written_shard_is_refused_with_the_form_to_use(text):
    with pytest.raises(ShardError, match=r"K/N|between 1 and N"):
        parse_shard(text)


@pytest.mark.parametrize("workers", [1, 2, 3, 4, 16])
def test_worker_plans_hold_every_scenario_once_and_balance_the_work(workers):
    scenarios = synthetic(200)
    plans = distribute(scenarios, workers)
    assert sorted(s.location for plan in plans for s in plan) == sorted(s.location for s in scenarios)
    loads = [sum(s.steps for s in plan) for plan in plans]
    assert max(loads) - min(loads) <= 5  # the largest single scenario


def test_worker_plans_use_the_last_runs_durations():
    slow = ScenarioRef("features/a.feature:3", "slow", steps=1)
    quick = [ScenarioRef(f"features/a.feature:{10 + i}", f"quick {i}", steps=1) for i in range(4)]
    plans = distribute([slow, *quick], 2, durations={slow.key: 4.0, **{q.key: 1.0 for q in quick}})
    assert sorted(len(plan) for plan in plans) == [1, 4]


FEATURE = """Feature: F
  Scenario: one
    Given a
  Scenario Outline: rows
    Given <x>
    Examples:
      | x |
      | a |
      | b |
      | c |
  Rule: R
    Scenario: in a rule
      Given a
"""


def test_a_worker_keeps_only_its_scenarios_and_outline_rows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "f.feature"
    path.write_text(FEATURE)
    feature = parse_feature(FEATURE, filename=str(path))
    every = [s.location for s in scenarios_of([feature])]
    assert every == ["f.feature:2", "f.feature:8", "f.feature:9", "f.feature:10", "f.feature:12"]
    kept = keep_only([feature], {"f.feature:9", "f.feature:12"})
    assert [s.location for s in scenarios_of(kept)] == ["f.feature:9", "f.feature:12"]
    assert keep_only([parse_feature(FEATURE, filename=str(path))], set()) == []


def test_workers_get_the_options_but_not_the_runner_jobs_or_formatters():
    argv = ["--runner=x:Y", "-j", "4", "--jobs=2", "-r", "x:Y", "-f", "pretty", "-o", "out.txt", "--format=json"]
    argv += ["--outfile", "o.json", "-fprogress", "-D", "env=postgres", "--tags=@cart", "features/cart"]
    assert worker_arguments(argv) == ["-D", "env=postgres", "--tags=@cart", "features/cart"]
