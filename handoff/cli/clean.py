"""``handoff clean``: remove what runs that were killed (SIGKILL, a power cut) left behind.

A run that ends in any other way cleans up itself, and the next run reaps what killed
runs left (handoff/run/ownership.py); this command does it on demand, and also reaches
the database servers of an environment other than the next run's (``-D env=postgres``).
Containers of any run: ``python -m handoff.containers down``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from handoff.config.errors import ConfigError
from handoff.config.settings import load_settings
from handoff.database.databases import Databases
from handoff.run.ownership import orphaned_runs, remove_folder, stop_processes


def clean(project: Path, userdata: Mapping[str, str]) -> int:
    orphans = orphaned_runs()
    if not orphans:
        print("handoff clean: nothing to remove (no run whose owner is gone)")
        return 0
    for orphan in orphans:
        stopped = stop_processes(orphan)
        print(f"handoff clean: run {orphan.run_id}: stopped {len(stopped)} service process(es)")
    try:
        settings = load_settings(userdata, project_dir=project)
        dropped = Databases(settings.databases).reap(orphans)
    except ConfigError as error:
        print(f"handoff clean: could not read the configuration to reach database servers: {error}")
        dropped = []
    for name in dropped:
        print(f"handoff clean: dropped throw-away database {name}")
    left = 0
    for orphan in orphans:
        if orphan.databases:
            left += len(orphan.databases)
            servers = ", ".join(sorted({d["server"] for d in orphan.databases}))
            print(
                f"handoff clean: run {orphan.run_id} still has {len(orphan.databases)} database(s) on {servers}: "
                "run handoff clean -D env=<the environment that uses that server>"
            )
        else:
            remove_folder(orphan)
            print(f"handoff clean: removed {orphan.folder}")
    return 1 if left else 0
