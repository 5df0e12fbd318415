"""What a run leaves on the machine is labelled with its owner, so that a later run can reap it.

A SIGKILL (or a power cut) gives a run no chance to clean up. Containers carry labels
for that (handoff/containers/engine.py); local processes, the run's temporary folder and
its throw-away databases carry this instead: ``owner.json`` in the run folder
(``<tmp>/handoff-<run id>-*``), naming the owning process (its pid and its start time,
so a reused pid is not mistaken for it), the service processes it started (likewise)
and the throw-away databases it created (server and name, never credentials).

The next run reaps every run folder whose owner is gone (:func:`orphaned_runs`): it
stops those processes, drops those databases on the servers it can reach with its own
credentials, and removes the folder. ``handoff clean`` does the same on demand.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

OWNER_FILE = "owner.json"
RUN_FOLDER_PREFIX = "handoff-"


def started_at(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None if it is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]


@dataclass(frozen=True)
class Process:
    pid: int
    started: str | None

    @classmethod
    def of(cls, pid: int) -> Process:
        return cls(pid, started_at(pid))

    def alive(self) -> bool:
        return self.started is not None and started_at(self.pid) == self.started


@dataclass
class RunLabel:
    """The owner file of one run folder."""

    folder: Path
    run_id: str
    owner: Process
    processes: list[Process] = field(default_factory=list)
    databases: list[dict[str, str]] = field(default_factory=list)  # {"server": host:port, "name": ...}

    @classmethod
    def for_this_process(cls, folder: Path, run_id: str) -> RunLabel:
        label = cls(folder, run_id, Process.of(os.getpid()))
        label.save()
        return label

    @classmethod
    def read(cls, folder: Path) -> RunLabel | None:
        try:
            data = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
            return cls(
                folder,
                data["run_id"],
                Process(**data["owner"]),
                [Process(**p) for p in data.get("processes", [])],
                list(data.get("databases", [])),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def add_process(self, pid: int) -> None:
        self.processes.append(Process.of(pid))
        self.save()

    def add_database(self, server: str, name: str) -> None:
        self.databases.append({"server": server, "name": name})
        self.save()

    def forget_database(self, server: str, name: str) -> None:
        self.databases = [d for d in self.databases if d != {"server": server, "name": name}]
        self.save()

    def save(self) -> None:
        data = {
            "run_id": self.run_id,
            "owner": asdict(self.owner),
            "processes": [asdict(p) for p in self.processes],
            "databases": self.databases,
        }
        temporary = self.folder / f".{OWNER_FILE}.tmp"
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(self.folder / OWNER_FILE)  # never half a file, whenever the run is killed


def orphaned_runs(temp_dir: Path | None = None) -> list[RunLabel]:
    """Run folders whose owning process is gone (a folder without an owner file is left alone)."""
    folder = Path(temp_dir or tempfile.gettempdir())
    orphans = []
    for candidate in sorted(folder.glob(f"{RUN_FOLDER_PREFIX}*")):
        label = RunLabel.read(candidate) if candidate.is_dir() else None
        if label is not None and not label.owner.alive():
            orphans.append(label)
    return orphans


def stop_processes(label: RunLabel) -> list[int]:
    """Kill the orphan's service processes that are still the same processes; returns their pids."""
    stopped = []
    for process in label.processes:
        if process.alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # each service leads its own process group
                stopped.append(process.pid)
    return stopped


def remove_folder(label: RunLabel) -> None:
    shutil.rmtree(label.folder, ignore_errors=True)
