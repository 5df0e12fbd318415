"""A behave formatter that notes when the first step starts and when the run ends."""

from __future__ import annotations

import json
import time

from behave.formatter.base import Formatter


class Timing(Formatter):
    name = "bench-timing"
    description = "first step and end of run: monotonic clock and process CPU time (for bench/run.py)"

    def __init__(self, stream_opener, config) -> None:
        super().__init__(stream_opener, config)
        self.first_step = None
        self.first_cpu = None
        self.scenarios = 0

    def scenario(self, scenario) -> None:
        self.scenarios += 1

    def match(self, match) -> None:
        if self.first_step is None:
            self.first_step, self.first_cpu = time.monotonic(), time.process_time()

    def close(self) -> None:
        self.stream = self.open()
        times = {"first_step": self.first_step, "end": time.monotonic(), "scenarios": self.scenarios}
        self.stream.write(json.dumps({**times, "first_cpu": self.first_cpu, "end_cpu": time.process_time()}))
        self.close_stream()
