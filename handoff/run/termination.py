"""Signals that end a run: SIGTERM and SIGHUP end it as Ctrl-C does, and cleanup is not cut short.

CI cancellations and time-outs send SIGTERM; a closed terminal sends SIGHUP. Python's
default for both is to die at once, leaving the run's services, folders and databases
behind. While a run is open, both raise KeyboardInterrupt in the main thread instead, so
that behave stops as on Ctrl-C, keeps the results so far, and the run's close() runs.
During close() itself the three signals wait (:func:`uninterrupted`); one that arrived
then takes effect once everything is removed, with the handler restored: the process
then ends with the signal's own status.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

TERMINATING = (signal.SIGTERM, signal.SIGHUP)


class EndOnTermination:
    """Installs the KeyboardInterrupt handlers for the life of a run, and puts the old ones back."""

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}

    def catch(self) -> EndOnTermination:
        if threading.current_thread() is threading.main_thread():
            for signum in TERMINATING:
                if signal.getsignal(signum) in (signal.SIG_DFL, None):
                    self._previous[signum] = signal.signal(signum, _interrupt)
        return self

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, *TERMINATING}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"{signal.Signals(signum).name}: the run stops and cleans up")
