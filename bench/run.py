"""Benchmark: the same checkout workflow as a raw loop, through the framework, and through its peers.

    make bench                       # a few minutes on 2 cores
    make bench BENCH_ARGS=--quick    # a smoke run, well under a minute once the venvs exist

Measures, side by side in one run, against one embedded shop started here (loopback only):
startup (process start to first step), time per scenario for a raw requests+SQL loop
(the floor), the framework with Allure off and on, plain pytest + requests and
pytest-bdd (each in its own virtual environment under the cache dir), the cost of one
more step, parallel speedup with 1, 2 and 4 workers on an I/O-bound variant (the
gateway's approval delay) and on the CPU-bound one, and peak memory at 1,000 scenarios.
Writes reports/bench.json, prints a table and draws docs/bench.png. Never part of
``make test``: timings are measured and reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH)]

import workflow  # noqa: E402

from handoff.config.settings import load_settings  # noqa: E402
from handoff.run.test_run import TestRun  # noqa: E402

CACHE = Path(os.environ.get("HANDOFF_BENCH_CACHE", Path.home() / ".cache" / "handoff-bench"))
WORK = ROOT / "reports" / "bench"
RESULTS = ROOT / "reports" / "bench.json"
CHART = ROOT / "docs" / "bench.png"
VENVS = {
    "pytest": ["pytest==9.2.0", "requests==2.34.2"],
    "pytest-bdd": ["pytest-bdd==9.0.1", "pytest==9.2.0", "requests==2.34.2"],
    "plot": ["matplotlib==3.11.2"],
}
WORKFLOW_STEPS = 7  # steps of the checkout scenario below
EXTRA_STEPS = 10  # no-op steps added to measure the cost of one step
TARGETS = {
    "startup_s": 0.3,
    "overhead_per_scenario_ms": 0.5,
    "overhead_per_step_ms": 0.1,
    "allure_per_scenario_ms": 0.6,
    "speedup_io_2": 1.7,
    "peak_memory_mb": 300,
}

SCENARIO = """\
  Scenario Outline: Checking out, round <n>
    Given the catalog has a "Notebook" priced 19.99 EUR
    And Alice is signed in
    And Alice has 2 "Notebook" in her cart
    When Alice checks out paying with an approved card
    Then Alice's order is paid with a total of 39.98 EUR
    And Alice's order is recorded with these lines
      | product  | quantity | unit price | line total |
      | Notebook | 2        | 19.99 EUR  | 39.98 EUR  |
    And Alice receives an order confirmation email showing the total 39.98 EUR
"""

PYTEST_TEST = """\
import secrets

import pytest

import workflow

RUN = secrets.token_hex(3)


@pytest.fixture(scope="session")
def shop():
    return workflow.Shop.from_env()


@pytest.mark.parametrize("n", range({count}))
def test_checkout(shop, n):
    workflow.checkout_workflow(shop, f"py{{RUN}}{{n}}")
"""

PYTEST_BDD_TEST = """\
import itertools
import secrets

import pytest
from pytest_bdd import given, scenarios, then, when

import workflow

RUN = secrets.token_hex(3)
COUNTER = itertools.count()
scenarios("checkout.feature")


@pytest.fixture(scope="session")
def shop():
    return workflow.Shop.from_env()


@pytest.fixture
def state():
    return {{"tag": f"bdd{{RUN}}{{next(COUNTER)}}"}}


@given('the catalog has a "Notebook" priced 19.99 EUR')
def product(shop, state):
    state["product_id"] = workflow.add_product(shop, state["tag"])


@given("Alice is signed in")
def signed_in(shop, state):
    state["email"], state["token"] = workflow.sign_in(shop, state["tag"])


@given('Alice has 2 "Notebook" in her cart')
def cart(shop, state):
    workflow.fill_cart(shop, state["token"], state["product_id"], 2)


@when("Alice checks out paying with an approved card")
def checkout(shop, state):
    state["order_id"] = workflow.check_out(shop, state["token"])


@then("Alice's order is paid with a total of 39.98 EUR")
def paid(shop, state):
    workflow.verify_paid(shop, state["order_id"], 3998)


@then("Alice's order is recorded with these lines")
def lines(shop, state, datatable):
    assert datatable[1][0] == "Notebook"
    workflow.verify_lines(shop, state["order_id"], 2, 3998)


@then("Alice receives an order confirmation email showing the total 39.98 EUR")
def email(shop, state):
    workflow.verify_email(shop, state["email"], state["order_id"], "39.98 EUR")
"""

# The bench's behave folder reuses the project's hooks and steps, plus one no-op step.
ENVIRONMENT = """\
import os
import runpy

globals().update(runpy.run_path(os.path.join(os.environ["BENCH_ROOT"], "environment.py")))
"""
STEPS = """\
import os
import pathlib
import runpy

from behave import step

for module in sorted(pathlib.Path(os.environ["BENCH_ROOT"], "steps").glob("*.py")):
    runpy.run_path(str(module))


@step("nothing happens")
def step_nothing_happens(context):
    pass
"""
BEHAVE_INI = "[behave]\nshow_skipped = false\nlogging_level = WARNING\n"


def feature(count: int, extra_steps: int = 0) -> str:
    steps = SCENARIO + "".join("    And nothing happens\n" for _ in range(extra_steps))
    rows = "".join(f"      | {n} |\n" for n in range(1, count + 1))
    return f"Feature: Checkout benchmark\n\n{steps}\n    Examples:\n      | n |\n{rows}"


class Bench:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.run: TestRun | None = None
        self.shop_env: dict[str, str] = {}
        self.log = WORK / "logs"

    # -- set-up ----------------------------------------------------------------------

    def venv(self, name: str) -> Path:
        """A cached virtual environment with the given pinned packages (created once)."""
        path = CACHE / "venvs" / name
        marker, wanted = path / ".installed", " ".join(VENVS[name])
        if not (marker.exists() and marker.read_text().strip() == wanted):
            print(f"bench: creating the {name} virtual environment in {path} ({wanted})", flush=True)
            shutil.rmtree(path, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
            pip = [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            subprocess.run([*pip, *VENVS[name]], check=True, timeout=900)
            marker.write_text(wanted + "\n")
        return path / "bin" / "python"

    def start_shop(self) -> None:
        os.environ.setdefault("SHOP_SERVICE_TOKEN", secrets.token_urlsafe(24))
        os.environ.setdefault("GATEWAY_API_KEY", secrets.token_urlsafe(24))
        settings = load_settings({"env": "bench", "run.reports_dir": str(WORK)})
        self.run = TestRun(settings).open()
        databases = {name: config.url for name, config in self.run.databases.configs.items()}
        shop = {
            "urls": dict(self.run.service_urls),
            "service_token": self.run.secrets["shop_service_token"],
            "orders_db": databases["orders"].removeprefix("sqlite:///"),
        }
        self.shop_env = {
            "BENCH_SHOP": json.dumps(shop),
            "HANDOFF_ENV": "external",
            "SHOP_SERVICE_TOKEN": self.run.secrets["shop_service_token"],
            "GATEWAY_API_KEY": self.run.secrets["gateway_api_key"],
            **{f"HANDOFF_SERVICES__{name.upper()}__URL": url for name, url in self.run.service_urls.items()},
            **{f"SHOP_{name.upper()}_DATABASE_URL": url for name, url in databases.items()},
        }

    def write_suites(self) -> None:
        o = self.options
        behave_dir = WORK / "behave"
        (behave_dir / "steps").mkdir(parents=True, exist_ok=True)
        (behave_dir / "features").mkdir(exist_ok=True)
        (behave_dir / "behave.ini").write_text(BEHAVE_INI)
        (behave_dir / "environment.py").write_text(ENVIRONMENT)
        (behave_dir / "steps" / "bench_steps.py").write_text(STEPS)
        for name, count, extra in (
            ("one", 1, 0),
            ("checkout", o.scenarios, 0),
            ("steps", o.scenarios, EXTRA_STEPS),
            ("memory", o.memory_scenarios, 0),
            ("io", o.parallel_scenarios, 0),
        ):
            (behave_dir / "features" / f"{name}.feature").write_text(feature(count, extra))
        for name, test in (("pytest", PYTEST_TEST), ("pytest-bdd", PYTEST_BDD_TEST)):
            folder = WORK / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "test_checkout.py").write_text(test.format(count=o.scenarios))
        (WORK / "pytest-bdd" / "checkout.feature").write_text(feature(o.scenarios))
        self.log.mkdir(exist_ok=True)

    # -- measuring -------------------------------------------------------------------

    def timed_process(self, label: str, command: list[str], cwd: Path, env: dict[str, str]) -> dict:
        """Run a child to completion: its timing file, wall time and peak memory (RSS)."""
        timing = WORK / f"timing-{label}.json"
        timing.unlink(missing_ok=True)
        env = {**os.environ, **env, "BENCH_TIMING": str(timing), "BENCH_ROOT": str(ROOT)}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(BENCH)])
        with (self.log / f"{label}.log").open("w") as log:
            started = time.monotonic()
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            ended = time.monotonic()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise SystemExit(f"bench: {label} failed (exit {code}); see {self.log / (label + '.log')}")
        result = {"wall_s": ended - started, "peak_rss_mb": usage.ru_maxrss / 1024}
        if timing.exists():
            data = json.loads(timing.read_text())
            count = max(1, data["scenarios"])
            result["startup_s"] = data["first_step"] - started
            result["phase_s"] = data["end"] - data["first_step"]
            result["scenario_s"] = result["phase_s"] / count
            result["scenario_cpu_s"] = (data["end_cpu"] - data["first_cpu"]) / count
        return result

    def behave(self, label: str, feature_name: str, allure: bool = False, args: tuple[str, ...] = ()) -> dict:
        # Formatters pair with outfiles in order: the ones writing files first, the console's last.
        command = [
            sys.executable,
            "-m",
            "behave",
            "-f",
            "behave_timing:Timing",
            "-o",
            str(WORK / f"timing-{label}.json"),
        ]
        if allure:
            results = WORK / "allure-results"
            shutil.rmtree(results, ignore_errors=True)
            command += ["-f", "allure_behave.formatter:AllureFormatter", "-o", str(results)]
        command += ["-f", "null", *args]
        command.append(f"features/{feature_name}.feature")
        return self.timed_process(label, command, WORK / "behave", self.shop_env)

    def pytest(self, label: str, venv: str) -> dict:
        command = [str(self.venv(venv)), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_timing"]
        return self.timed_process(label, command, WORK / venv, self.shop_env)

    def raw_loop(self, count: int) -> dict:
        data = json.loads(self.shop_env["BENCH_SHOP"])
        session = workflow.requests.Session()
        session.trust_env = False
        shop = workflow.Shop(data["urls"], data["service_token"], data["orders_db"], session)
        tag = secrets.token_hex(3)
        started, started_cpu = time.perf_counter(), time.process_time()
        for n in range(count):
            workflow.checkout_workflow(shop, f"raw{tag}{n}")
        return {
            "scenario_s": (time.perf_counter() - started) / count,
            "scenario_cpu_s": (time.process_time() - started_cpu) / count,
        }

    def parallel(self, label: str, jobs: int, delay: float) -> dict:
        """A whole run as a user starts it: each worker starts its own shop (env bench)."""
        reports = WORK / f"parallel-{label}"
        command = [sys.executable, "-m", "behave", "--runner=handoff.parallel.runner:ParallelRunner", f"--jobs={jobs}"]
        command += ["-f", "behave_timing:Timing", "-o", str(WORK / f"timing-{label}.json"), "-f", "null"]
        command += ["-D", "env=bench", "-D", f"services.gateway.env.GATEWAY_APPROVAL_DELAY_SECONDS={delay}"]
        command.append("features/io.feature")
        result = self.timed_process(label, command, WORK / "behave", {"HANDOFF_RUN__REPORTS_DIR": str(reports)})
        summary = reports / "workers" / "summary.json"
        if jobs > 1 and summary.exists():  # the busiest worker's time in scenarios
            busy: dict[str, float] = {}
            for event in json.loads(summary.read_text())["scenarios"]:
                busy[event["worker"]] = busy.get(event["worker"], 0.0) + event["seconds"]
            result["phase_s"] = max(busy.values())
        return {"jobs": jobs, "wall_s": result["wall_s"], "phase_s": result.get("phase_s")}

    # -- the whole bench -------------------------------------------------------------

    def measure(self) -> dict:
        o = self.options
        for name in VENVS:
            self.venv(name)
        load_before = os.getloadavg()
        self.start_shop()
        self.write_suites()
        print(f"bench: shop up at {self.run.service_urls['orders']} (and 5 more); warming up", flush=True)
        self.raw_loop(5)
        self.behave("warm-up", "one")

        startups = [self.behave(f"startup-{i}", "one")["startup_s"] for i in range(o.startup_runs)]
        variants = ["raw", "framework", "framework_allure", "framework_steps"]
        if not o.skip_peers:
            variants += ["pytest", "pytest_bdd"]
        rounds: dict[str, list[dict]] = {name: [] for name in variants}
        for round_ in range(1, o.rounds + 1):  # interleaved, so that a busy moment hits every variant
            print(f"bench: round {round_} of {o.rounds}, {o.scenarios} scenarios per variant", flush=True)
            rounds["raw"].append(self.raw_loop(o.scenarios))
            rounds["framework"].append(self.behave(f"framework-{round_}", "checkout"))
            rounds["framework_allure"].append(self.behave(f"allure-{round_}", "checkout", allure=True))
            rounds["framework_steps"].append(self.behave(f"steps-{round_}", "steps"))
            if not o.skip_peers:
                rounds["pytest"].append(self.pytest(f"pytest-{round_}", "pytest"))
                rounds["pytest_bdd"].append(self.pytest(f"pytest-bdd-{round_}", "pytest-bdd"))

        print(f"bench: peak memory at {o.memory_scenarios} scenarios (Allure on)", flush=True)
        memory = self.behave("memory", "memory", allure=True)
        self.run.close()  # the parallel runs start their own shops, one per worker

        parallel = {}
        for kind, delay, jobs_list in (("io", o.io_delay, (1, 2, 4)), ("cpu", 0.0, (1, 2))):
            runs = []
            for jobs in jobs_list:
                print(f"bench: {kind}-bound, {o.parallel_scenarios} scenarios on {jobs} worker(s)", flush=True)
                runs.append(self.parallel(f"{kind}-{jobs}", jobs, delay))
            for run in runs:
                run["speedup"] = runs[0]["wall_s"] / run["wall_s"]
                if run["phase_s"] and runs[0]["phase_s"]:
                    run["phase_speedup"] = runs[0]["phase_s"] / run["phase_s"]
            label = f"I/O-bound (gateway {delay:g} s per charge)" if kind == "io" else "CPU-bound (no delay)"
            parallel[kind] = {"label": label, "delay_s": delay, "scenarios": o.parallel_scenarios, "runs": runs}
        return self.summarise(startups, rounds, memory, parallel, (load_before, os.getloadavg()))

    def summarise(self, startups, rounds, memory, parallel, loads) -> dict:
        def stat(name: str, field: str, how=statistics.median) -> float:
            return how(r[field] for r in rounds[name]) * 1000

        wall = {name: stat(name, "scenario_s") for name in rounds}
        wall_min = {name: stat(name, "scenario_s", min) for name in rounds}
        cpu = {name: stat(name, "scenario_cpu_s") for name in rounds}
        startup = {
            name: statistics.median(r["startup_s"] for r in rounds[name])
            for name in ("pytest", "pytest_bdd")
            if name in rounds
        }
        return {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_1min": {"before": loads[0][0], "after": loads[1][0]},
            },
            "settings": vars(self.options),
            "targets": TARGETS,
            "startup_s": {"median": statistics.median(startups), "min": min(startups)},
            "peer_startup_s": startup,
            "per_scenario_ms": wall,
            "per_scenario_min_ms": wall_min,
            "client_cpu_per_scenario_ms": cpu,
            "rounds": {
                name: [{k: round(v, 5) for k, v in r.items()} for r in values] for name, values in rounds.items()
            },
            "overhead": {
                "steps_per_scenario": WORKFLOW_STEPS,
                "allowed_per_scenario_ms": TARGETS["overhead_per_scenario_ms"]
                + TARGETS["overhead_per_step_ms"] * WORKFLOW_STEPS,
                # Client CPU: what the framework adds on the test's side, nearly immune to a busy machine.
                "cpu_per_scenario_ms": cpu["framework"] - cpu["raw"],
                "cpu_per_step_ms": (cpu["framework_steps"] - cpu["framework"]) / EXTRA_STEPS,
                "cpu_allure_per_scenario_ms": cpu["framework_allure"] - cpu["framework"],
                # Wall clock, best of the rounds: includes the shop's time and any other load.
                "wall_per_scenario_ms": wall_min["framework"] - wall_min["raw"],
                "wall_per_step_ms": (wall_min["framework_steps"] - wall_min["framework"]) / EXTRA_STEPS,
                "wall_allure_per_scenario_ms": wall_min["framework_allure"] - wall_min["framework"],
            },
            "memory": {
                "scenarios": self.options.memory_scenarios,
                "peak_rss_mb": memory["peak_rss_mb"],
                "per_scenario_ms": memory["scenario_s"] * 1000,
            },
            "parallel": parallel,
        }


NAMES = {
    "raw": "raw requests + SQL loop (the floor)",
    "framework": "handoff, Allure off",
    "framework_allure": "handoff, Allure on",
    "framework_steps": f"handoff, Allure off, +{EXTRA_STEPS} no-op steps",
    "pytest": "pytest + requests",
    "pytest_bdd": "pytest-bdd",
}


def table(results: dict) -> str:
    wall, best, cpu = results["per_scenario_ms"], results["per_scenario_min_ms"], results["client_cpu_per_scenario_ms"]
    over, t = results["overhead"], results["targets"]
    lines = [
        "| per checkout scenario (services already up) | wall, median | wall, best | test-side CPU |",
        "|---|---|---|---|",
    ]
    for key, name in NAMES.items():
        if key in wall:
            lines.append(f"| {name} | {wall[key]:.1f} ms | {best[key]:.1f} ms | {cpu[key]:.2f} ms |")
    lines += ["", "| measure | measured | target |", "|---|---|---|"]
    start = results["startup_s"]
    startup = f"{start['median']:.2f} s (best {start['min']:.2f} s)"
    lines.append(f"| startup, process start to first step | {startup} | ≤ {t['startup_s']} s |")
    allowed = f"≤ {over['allowed_per_scenario_ms']:.1f} ms (0.5 + 0.1 × {over['steps_per_scenario']} steps)"
    lines.append(
        f"| overhead above the floor per scenario, CPU (wall, best) "
        f"| {over['cpu_per_scenario_ms']:.2f} ms ({over['wall_per_scenario_ms']:.1f} ms) | {allowed} |"
    )
    lines.append(
        f"| one more step, CPU (wall, best) | {over['cpu_per_step_ms']:.3f} ms ({over['wall_per_step_ms']:.2f} ms) "
        f"| ≤ {t['overhead_per_step_ms']} ms |"
    )
    lines.append(
        f"| Allure on, per scenario, CPU (wall, best) | {over['cpu_allure_per_scenario_ms']:.2f} ms "
        f"({over['wall_allure_per_scenario_ms']:.1f} ms) | ≤ {t['allure_per_scenario_ms']} ms |"
    )
    for kind, data in results["parallel"].items():
        for run in data["runs"][1:]:
            target = ""
            if kind == "io" and run["jobs"] == 2:
                target = f"≥ {t['speedup_io_2']}×"
            elif kind == "cpu":
                target = "no slowdown (≥ 1.0×)"
            phase = f"; scenarios alone {run['phase_speedup']:.2f}×" if "phase_speedup" in run else ""
            lines.append(
                f"| {data['label']}, {data['scenarios']} scenarios, {run['jobs']} workers: speedup "
                f"| {run['speedup']:.2f}× ({data['runs'][0]['wall_s']:.1f} s → {run['wall_s']:.1f} s{phase}) "
                f"| {target} |"
            )
    mem = results["memory"]
    memory = f"{mem['peak_rss_mb']:.0f} MB"
    lines.append(f"| peak memory, {mem['scenarios']} scenarios, Allure on | {memory} | < {t['peak_memory_mb']} MB |")
    load = results["machine"]["load_average_1min"]
    cpus = results["machine"]["cpus"]
    lines.append(f"\n(load average before/after: {load['before']:.1f} / {load['after']:.1f} on {cpus} CPUs)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", type=int, default=40, help="scenarios per variant and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all variants (the median is reported)")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--memory-scenarios", type=int, default=1000)
    parser.add_argument("--parallel-scenarios", type=int, default=32)
    parser.add_argument("--io-delay", type=float, default=0.5, help="seconds the gateway takes per charge (I/O-bound)")
    parser.add_argument("--skip-peers", action="store_true", help="leave out pytest and pytest-bdd")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of the bench itself")
    parser.add_argument("--no-chart", action="store_true")
    options = parser.parse_args(argv)
    if options.quick:
        options.scenarios, options.rounds, options.startup_runs = 20, 1, 2
        options.memory_scenarios, options.parallel_scenarios, options.io_delay = 100, 8, 0.2
    os.chdir(ROOT)  # the shop's services start as python -m shop.<name> from here
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    bench = Bench(options)
    try:
        results = bench.measure()
    finally:
        if bench.run is not None:
            bench.run.close()
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print("\n" + table(results) + "\n")
    print(f"bench: results in {RESULTS.relative_to(ROOT)}")
    if not options.no_chart:
        subprocess.run([str(bench.venv("plot")), str(BENCH / "chart.py"), str(RESULTS), str(CHART)], check=True)
        print(f"bench: chart in {CHART.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
