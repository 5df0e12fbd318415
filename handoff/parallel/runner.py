"""Parallel and sharded runs, through behave's runner extension point (``--runner``).

    python -m behave --runner=handoff.parallel.runner:ParallelRunner --jobs 4     # 4 workers
    python -m behave --runner=handoff.parallel.runner:ParallelRunner -D shard=2/4 # 2nd of 4 CI jobs
    make run JOBS=4        make run SHARD=2/4        make run JOBS=2 SHARD=1/3

The parent process reads the configuration once, runs the one-time setup hooks
(``run.setup_once``), lists the scenarios behave would run (paths, tags, names),
keeps its shard, and packs them onto the workers. Each worker is a separate
``behave`` process with the same options, running only its scenarios
(:class:`WorkerRunner`): its own embedded shop on its own ports, its own databases and
run id, its service logs under ``reports/workers/worker-<n>/``, its Allure results in
the one shared results folder (every file there has a unique name). The parent shows
progress, reports each failure as it happens, stops every worker on Ctrl-C, and fails
the run when a scenario failed or a worker crashed.

With ``--jobs 1`` (for instance a shard on one CI machine) the scenarios run in this
process with behave's usual console output.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from behave.api.runner import ITestRunner
from behave.formatter.base import Formatter

from handoff.adapter.project import allure_results_dir, project_dir
from handoff.adapter.runner import Runner
from handoff.config.settings import Settings, load_settings
from handoff.contracts import coverage as api_coverage
from handoff.contracts import recording as api_recording
from handoff.parallel.sharding import (
    ScenarioRef,
    collect_scenarios,
    distribute,
    parse_shard,
    read_durations,
    scenario_location,
    select_shard,
    write_durations,
)
from handoff.report.quarantine import muting
from handoff.run.processes import tail

WORKER_RUNNER = "handoff.parallel.runner:WorkerRunner"
EVENTS_FORMATTER = "handoff.parallel.runner:ScenarioEvents"
# Workers read these; as HANDOFF_ variables they also show in the worker's settings
# (parallel.worker, parallel.plan), for support code that wants to know.
PLAN_VARIABLE = "HANDOFF_PARALLEL__PLAN"
WORKER_VARIABLE = "HANDOFF_PARALLEL__WORKER"
SETUP_DONE_VARIABLE = "HANDOFF_PARALLEL__SETUP_DONE"
DURATIONS_FILE = "scenario-durations.json"
STOP_GRACE_SECONDS = 20.0
FAILED_STATUSES = {"failed", "error", "hook_error", "undefined"}
# Options that the parent owns: workers get their own runner, jobs and formatters.
_PARENT_OPTIONS = {"-r": "--runner", "-j": "--jobs", "-f": "--format", "-o": "--outfile"}
_PARENT_LONG = {"--runner", "--jobs", "--parallel", "--format", "--outfile"}


# -- one-time setup ------------------------------------------------------------------


def run_setup_once(settings: Settings) -> dict[str, str]:
    """Run the ``run.setup_once`` hooks, once per run, before any worker starts.

    A hook is ``"package.module:function"``; it gets the settings and may return
    environment variables for the workers (for instance an image id it built, as
    ``HANDOFF_SERVICES__SHOP__IMAGE``, which the workers' settings then read). Inside
    a worker the hooks have already run in the parent, and this does nothing.
    """
    if os.environ.get(SETUP_DONE_VARIABLE):
        return {}
    hooks = _setting(settings, "run.setup_once", ())
    if isinstance(hooks, str):
        hooks = [part.strip() for part in hooks.split(",") if part.strip()]
    exported: dict[str, str] = {}
    for spec in hooks:
        module_name, _, function_name = str(spec).partition(":")
        try:
            hook = getattr(importlib.import_module(module_name), function_name)
        except (ImportError, AttributeError) as error:
            raise RuntimeError(
                f"run.setup_once: cannot load {spec!r} ({error}); write it as 'module:function'"
            ) from None
        result = hook(settings) or {}
        exported.update({str(k): str(v) for k, v in dict(result).items()})
    os.environ.update(exported)
    os.environ[SETUP_DONE_VARIABLE] = "1"
    return exported


# -- the worker side -----------------------------------------------------------------


class WorkerRunner(Runner):
    """Handoff's runner (behave's, with the quarantine rule), limited to the scenario locations in its plan.

    The plan is a JSON list of locations in the file named by HANDOFF_PARALLEL__PLAN
    (or given directly). Scenarios outside it are removed before the run starts, so
    they appear in no report at all, not even as skipped.
    """

    def __init__(self, config, plan: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        if os.environ.get(WORKER_VARIABLE) and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            # Started from a shell's background job, SIGINT arrives ignored; the parent stops
            # workers with SIGINT so that their after_all stops their services.
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if plan is None and os.environ.get(PLAN_VARIABLE):
            plan = json.loads(Path(os.environ[PLAN_VARIABLE]).read_text(encoding="utf-8"))
        self.plan = None if plan is None else set(plan)

    def run_model(self, features=None):
        if features is None:
            features = self.features
        if self.plan is not None:
            features[:] = keep_only(features, self.plan)
        return super().run_model(features)


def keep_only(features: Sequence, locations: set[str]) -> list:
    """The features, each holding only the scenarios (and outline rows) at ``locations``."""
    kept = []
    for feature in features:
        if _prune(feature, locations):
            kept.append(feature)
    return kept


def _prune(container, locations: set[str]) -> bool:
    items = []
    for item in container.run_items:
        if hasattr(item, "run_items"):  # a Rule
            if _prune(item, locations):
                items.append(item)
        elif hasattr(item, "examples"):  # a Scenario Outline: keep the chosen rows
            rows = [row for row in item.scenarios if scenario_location(row) in locations]
            if rows:
                item._scenarios = rows  # behave builds the rows once; this is the built list
                items.append(item)
        elif scenario_location(item) in locations:
            items.append(item)
    container.run_items[:] = items
    if hasattr(container, "scenarios") and isinstance(container.scenarios, list):
        container.scenarios[:] = [s for s in container.scenarios if s in items]
    return bool(items)


class ScenarioEvents(Formatter):
    """Writes one JSON line per finished scenario, for the parent's progress and summary."""

    name = "handoff-events"
    description = "JSON lines of finished scenarios (used by parallel runs)"

    def __init__(self, stream_opener, config) -> None:
        super().__init__(stream_opener, config)
        self.stream = self.open()
        self.current = None
        self.started = 0.0
        self.worker = os.environ.get(WORKER_VARIABLE, "1")
        self._emit({"event": "ready"})

    def scenario(self, scenario) -> None:
        self._finish()
        self.current = scenario
        self.started = time.monotonic()

    def eof(self) -> None:
        self._finish()

    def close(self) -> None:
        self._finish()
        self.close_stream()

    def _finish(self) -> None:
        scenario, self.current = self.current, None
        if scenario is None:
            return
        status = scenario.status.name
        message = ""
        for step in scenario.all_steps:
            if step.status.name in FAILED_STATUSES:
                message = f"{step.keyword} {step.name}: {step.error_message or step.status.name}"
                break
        if not message and status in FAILED_STATUSES:
            message = getattr(scenario, "error_message", None) or "failed in a hook"
        self._emit(
            {
                "event": "scenario",
                "location": scenario_location(scenario),
                "name": scenario.name,
                "key": f"{scenario_location(scenario).rsplit(':', 1)[0]}::{scenario.name}",
                "status": status,
                "seconds": round(time.monotonic() - self.started, 4),
                "message": message,
                **_quarantine(scenario, status),
            }
        )

    def _emit(self, event: dict) -> None:
        self.stream.write(json.dumps({"worker": self.worker, **event}, ensure_ascii=False) + "\n")
        self.stream.flush()


def _quarantine(scenario, status: str) -> dict[str, str]:
    """For a failed scenario under a quarantine in force: who owns it and until when (its failure is not counted)."""
    quarantine = muting(scenario.effective_tags) if status in FAILED_STATUSES else None
    return {"quarantined": f"owner {quarantine.owner}, until {quarantine.until}"} if quarantine else {}


# -- the parent side -----------------------------------------------------------------


@dataclass
class Worker:
    index: int
    plan: list[ScenarioRef]
    directory: Path
    process: subprocess.Popen | None = None
    finished: dict[str, dict] = field(default_factory=dict)  # location -> scenario event
    ready: bool = False
    starts: int = 0
    _offset: int = 0
    _partial: str = ""

    def set_aside_attempt(self) -> None:
        """Keep a failed start's files beside the next attempt's."""
        for path in (self.events_path, self.console_path):
            if path.exists():
                path.rename(path.with_name(f"{path.stem}-attempt-{self.starts}{path.suffix}"))
        self._offset, self._partial, self.ready = 0, "", False

    @property
    def events_path(self) -> Path:
        return self.directory / "events.jsonl"

    @property
    def console_path(self) -> Path:
        return self.directory / "console.log"

    def read_events(self) -> list[dict]:
        try:
            with self.events_path.open("r", encoding="utf-8") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
                self._offset = stream.tell()
        except FileNotFoundError:
            return []
        lines = (self._partial + chunk).split("\n")
        self._partial = lines.pop()  # an unfinished line waits for the next read
        events = []
        for line in lines:
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
        return events


class ParallelRunner(ITestRunner):
    """Splits the selected scenarios over ``--jobs`` worker processes (see the module doc)."""

    def __init__(self, config, **kwargs: Any) -> None:
        self.config = config
        self._undefined_steps: list = []
        self.out: TextIO = sys.stdout

    @property
    def undefined_steps(self) -> list:
        return self._undefined_steps

    def run(self) -> bool:
        settings = load_settings(
            self.config.userdata, project_dir=project_dir(self.config)
        )  # a configuration error shows once, not per worker
        shard_text = _setting(settings, "shard", "")
        all_scenarios = collect_scenarios(self.config)
        scenarios = all_scenarios
        if shard_text:
            shard = parse_shard(shard_text)
            scenarios = select_shard(all_scenarios, shard)
            self._say(f"shard {shard}: {len(scenarios)} of {len(all_scenarios)} scenarios")
        if not all_scenarios:
            self._say("no scenario matches the paths, tags and names given: nothing to run")
            return True  # an empty run is almost always a mistake in the selection
        if not scenarios:
            self._say("this shard has no scenarios (more shards than scenarios): nothing to run")
            return False
        exported = run_setup_once(settings)
        jobs = max(1, int(self.config.jobs or 1))
        if jobs == 1:
            runner = WorkerRunner(self.config, plan=[s.location for s in scenarios] if shard_text else None)
            failed = runner.run()
            self._undefined_steps = runner.undefined_steps
            return failed
        return WorkerPool(self, scenarios, jobs, settings, exported).run()

    def _say(self, text: str) -> None:
        print(f"handoff: {text}", file=self.out, flush=True)


class WorkerPool:
    """Starts the worker processes, follows them, and reports what they did."""

    def __init__(
        self, runner: ParallelRunner, scenarios: list[ScenarioRef], jobs: int, settings: Settings, exported: Mapping
    ) -> None:
        self.out = runner.out
        self.config = runner.config
        self.scenarios = scenarios
        self.reports = reports = Path(settings.get("run.reports_dir"))
        self.exported = dict(exported)
        self.durations_path = reports / DURATIONS_FILE
        plans = distribute(scenarios, min(jobs, len(scenarios)), read_durations(self.durations_path))
        root = reports / "workers"
        shutil.rmtree(root, ignore_errors=True)
        self.workers = [Worker(n, plan, root / f"worker-{n}") for n, plan in enumerate(plans, start=1)]
        self.failures: list[dict] = []
        self.crashes: list[str] = []
        self.interactive = self.out.isatty()
        self.started = 0.0
        self._last_line = 0.0
        self._timeout = float(_setting(settings, "parallel.timeout", 0))  # seconds for the whole run; 0: none

    def run(self) -> bool:
        self.started = time.monotonic()
        total = len(self.scenarios)
        self._say(f"{total} scenarios on {len(self.workers)} workers (logs: {self.reports / 'workers'})")
        previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
        interrupted = timed_out = False
        try:
            for worker in self.workers:
                self._start(worker)
            while True:
                self._poll()
                self._restart_failed_starts()
                if self._all_done():
                    break
                if self._timeout and time.monotonic() - self.started > self._timeout:
                    timed_out = True
                    self._say(f"the run took longer than parallel.timeout={self._timeout:g} s: stopping the workers")
                    break
                time.sleep(0.2)
        except KeyboardInterrupt:
            interrupted = True
            self._clear_line()
            self._say("interrupted: stopping every worker and its services")
        finally:
            self._stop_all()
            signal.signal(signal.SIGTERM, previous_term)
        self._poll()
        self._check_workers()
        return self._summary(interrupted, timed_out)

    def _start(self, worker: Worker) -> None:
        worker.starts += 1
        worker.directory.mkdir(parents=True, exist_ok=True)
        plan_path = worker.directory / "plan.json"
        plan_path.write_text(json.dumps([s.location for s in worker.plan], indent=1), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "behave",
            *worker_arguments(sys.argv[1:]),
            f"--runner={WORKER_RUNNER}",
            "--jobs=1",
            "--format",
            EVENTS_FORMATTER,
            "--outfile",
            str(worker.events_path),
        ]
        cwd = os.getcwd()
        env = {
            **os.environ,
            **self.exported,
            PLAN_VARIABLE: str(plan_path.resolve()),
            WORKER_VARIABLE: str(worker.index),
            SETUP_DONE_VARIABLE: "1",
            "HANDOFF_RUN__REPORTS_DIR": str(worker.directory),  # service logs per worker
            "PYTHONPATH": os.pathsep.join(p for p in (cwd, os.environ.get("PYTHONPATH", "")) if p),
            "PYTHONUNBUFFERED": "1",
        }
        with worker.console_path.open("wb") as console:
            worker.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C goes to the parent, which stops workers in order
            )

    def _restart_failed_starts(self) -> None:
        """A worker that died before its first scenario gets one more start.

        Starting is where a busy machine bites (a free port taken by another process
        between choosing it and binding it); a real configuration error fails twice.
        """
        for worker in self.workers:
            process = worker.process
            if process is None or process.poll() is None or worker.finished or worker.starts > 1:
                continue
            if process.returncode == 0:
                continue
            reason = next((ln for ln in tail(worker.console_path, 40).splitlines() if "error" in ln.lower()), "")
            self._clear_line()
            self._say(f"worker {worker.index} failed while starting ({reason.strip()[:160]}); starting it again")
            worker.set_aside_attempt()
            self._start(worker)

    def _all_done(self) -> bool:
        return all(w.process is not None and w.process.poll() is not None for w in self.workers)

    def _poll(self) -> None:
        for worker in self.workers:
            for event in worker.read_events():
                if event.get("event") == "ready":
                    worker.ready = True
                elif event.get("event") == "scenario":
                    worker.finished[event["location"]] = event
                    if event["status"] in FAILED_STATUSES:
                        self.failures.append(event)
                        self._report_failure(event)
        self._progress()

    def _report_failure(self, event: dict) -> None:
        self._clear_line()
        lines = str(event.get("message", "")).splitlines()
        if len(lines) > 6:  # a traceback: its first line and the exception at its end
            lines = [lines[0], "…", *lines[-4:]]
        message = "\n".join("      " + line for line in lines)
        verdict = f"QUARANTINED ({event['quarantined']}), not counted:" if event.get("quarantined") else "FAILED"
        self._say(f"{verdict} {event['location']}  {event['name']} (worker {event['worker']})\n{message}")

    def _progress(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and not self.interactive and now - self._last_line < 10:
            return
        self._last_line = now
        done = sum(len(w.finished) for w in self.workers)
        total = len(self.scenarios)
        elapsed = now - self.started
        running = sum(1 for w in self.workers if w.process is not None and w.process.poll() is None)
        left = f", about {elapsed / done * (total - done):.0f} s left" if 0 < done < total else ""
        line = (
            f"{done}/{total} scenarios, {len(self.failures)} failed, {running} workers running, {elapsed:.0f} s{left}"
        )
        if self.interactive and not final:
            print("\r\033[K" + line, end="", file=self.out, flush=True)
        else:
            self._clear_line()
            self._say(line)

    def _clear_line(self) -> None:
        if self.interactive:
            print("\r\033[K", end="", file=self.out, flush=True)

    def _stop_all(self) -> None:
        """SIGINT lets behave run its after_all hooks, which stop the worker's services."""
        live = [w for w in self.workers if w.process is not None and w.process.poll() is None]
        for worker in live:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.process.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in live:
            try:
                worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._say(f"worker {worker.index} did not stop within {STOP_GRACE_SECONDS:g} s: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()

    def _check_workers(self) -> None:
        for worker in self.workers:
            code = worker.process.returncode if worker.process is not None else None
            missing = [s for s in worker.plan if s.location not in worker.finished]
            if missing or (code not in (0, 1) and code is not None):
                what = "before its first scenario" if not worker.finished else f"after {len(worker.finished)}"
                self.crashes.append(
                    f"worker {worker.index} exited with code {code} {what} of {len(worker.plan)} scenarios; "
                    f"{len(missing)} did not run. Last lines of {worker.console_path}:\n{tail(worker.console_path)}"
                )
            elif code == 1 and not any(e["status"] in FAILED_STATUSES for e in worker.finished.values()):
                self.crashes.append(
                    f"worker {worker.index} failed (a hook error or cleanup failure?). "
                    f"Last lines of {worker.console_path}:\n{tail(worker.console_path)}"
                )

    def _summary(self, interrupted: bool, timed_out: bool) -> bool:
        events = [e for w in self.workers for e in w.finished.values()]
        counts: dict[str, int] = {}
        for event in events:
            counts[event["status"]] = counts.get(event["status"], 0) + 1
        not_run = len(self.scenarios) - len(events)
        elapsed = time.monotonic() - self.started
        self._progress(final=True)
        for crash in self.crashes:
            self._say("WORKER FAILED: " + crash)
        if self.failures:
            self._say("failed scenarios:")
            for event in self.failures:
                print(f"  {event['location']}  {event['name']}", file=self.out)
        parts = [f"{n} {status}" for status, n in sorted(counts.items())]
        if not_run:
            parts.append(f"{not_run} not run")
        self._say(
            f"{len(self.scenarios)} scenarios: {', '.join(parts) or 'none finished'} "
            f"in {elapsed:.1f} s on {len(self.workers)} workers"
        )
        write_durations(self.durations_path, {e["key"]: e["seconds"] for e in events if e.get("key")})
        self._merge_api_coverage()
        summary = {
            "workers": len(self.workers),
            "seconds": round(elapsed, 3),
            "scenarios": sorted(events, key=lambda e: e["location"]),
            "not_run": sorted(s.location for w in self.workers for s in w.plan if s.location not in w.finished),
            "crashes": self.crashes,
            "interrupted": interrupted,
            "timed_out": timed_out,
        }
        (self.reports / "workers" / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        self._write_rerun_file([e["location"] for e in self.failures] + summary["not_run"])
        counted = [event for event in self.failures if not event.get("quarantined")]
        if self.failures and not counted:
            self._say("only quarantined scenarios failed: the run passes (they stay in the report)")
        return bool(counted or self.crashes or not_run or interrupted or timed_out)

    def _merge_api_coverage(self) -> None:
        """The workers' API coverage and recorded exchanges (handoff/contracts/) put together in the run's files."""
        exchanges = [worker.directory / api_recording.FILE_NAME for worker in self.workers]
        (self.reports / api_recording.FILE_NAME).unlink(missing_ok=True)
        api_recording.append(
            self.reports / api_recording.FILE_NAME, [item for path in exchanges for item in api_recording.read(path)]
        )
        parts = [path for worker in self.workers if (path := worker.directory / api_coverage.FILE_NAME).is_file()]
        if not parts:
            return
        merged = api_coverage.merge(api_coverage.read(path) for path in parts)
        api_coverage.write(self.reports / api_coverage.FILE_NAME, merged)
        results = allure_results_dir(self.config)
        if results is not None:  # each worker wrote its own part there: the report shows the sum
            api_coverage.write(results / api_coverage.FILE_NAME, merged)
        for name, item in sorted(merged.items()):
            self._say(f"API coverage: {item.summary(name)}")

    def _write_rerun_file(self, locations: list[str]) -> None:
        """What behave's rerun formatter would write, when it was asked for (make rerun reads it)."""
        for index, name in enumerate(self.config.format or []):
            if "rerun" in name and index < len(self.config.outputs) and self.config.outputs[index].name:
                path = Path(self.config.outputs[index].name)
                if not locations:
                    path.unlink(missing_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                lines = [f"# -- RERUN: {len(locations)} failing scenarios during last test run.", *sorted(locations)]
                path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    def _say(self, text: str) -> None:
        print(f"handoff: {text}", file=self.out, flush=True)


def worker_arguments(argv: Sequence[str]) -> list[str]:
    """The parent's behave options minus those the parent owns (runner, jobs, formatters)."""
    kept: list[str] = []
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
            continue
        name = arg.split("=", 1)[0]
        if name in _PARENT_LONG:
            skip_value = "=" not in arg
            continue
        short = arg[:2]
        if short in _PARENT_OPTIONS and not arg.startswith("--"):
            skip_value = len(arg) == 2
            continue
        kept.append(arg)
    return kept


def _setting(settings: Settings, dotted_key: str, default: Any) -> Any:
    node: Any = settings.values
    for part in dotted_key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return default
        node = node[part]
    return node


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
