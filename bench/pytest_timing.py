"""A pytest plugin that notes when the first test starts and when the session ends."""

from __future__ import annotations

import json
import os
import time

_first = None
_first_cpu = None
_count = 0


def pytest_runtest_setup(item):
    global _first, _first_cpu, _count
    _count += 1
    if _first is None:
        _first, _first_cpu = time.monotonic(), time.process_time()


def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["BENCH_TIMING"], "w") as out:
        times = {"first_step": _first, "end": time.monotonic(), "scenarios": _count}
        json.dump({**times, "first_cpu": _first_cpu, "end_cpu": time.process_time()}, out)
