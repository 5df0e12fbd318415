"""A time limit for every step, so that a step that hangs ends with a clear error.

Each network call has its own timeout; this is the net under everything else (a
polling loop, a stuck library, a deadlock). It uses SIGALRM, so it works in the main
thread on POSIX systems and does nothing elsewhere.
"""

from __future__ import annotations

import signal
import threading


class StepTimedOut(Exception):
    """A step ran longer than step.timeout seconds."""


class StepTimer:
    """Arms an alarm when a step starts and disarms it when the step ends."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._step = ""
        self.enabled = seconds > 0 and hasattr(signal, "setitimer")

    def start(self, step: str) -> None:
        if not self.enabled or threading.current_thread() is not threading.main_thread():
            return
        self._step = step
        signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self) -> None:
        if self._step:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._step = ""

    def _expired(self, signum, frame) -> None:
        step, self._step = self._step, ""
        if step:
            raise StepTimedOut(
                f"the step '{step}' timed out: it ran longer than {self.seconds:g} s "
                "(step.timeout; -D step.timeout=<seconds> to change it, 0 to switch it off)"
            )
