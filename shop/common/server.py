"""Process entry point shared by all services: config, logging, waitress, signals.

``run_service`` reads the settings (a configuration error is one line on stderr
and exit code 2), builds the Flask app, serves it with waitress in the main
thread and exits cleanly within about a second on SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from shop.common.config import ConfigError, ServerSettings
from shop.common.web import SHUTDOWN_HOOKS

SettingsT = TypeVar("SettingsT")
WAITRESS_THREADS = 8
SHUTDOWN_GRACE_SECONDS = 1.0


class _UtcFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


def configure_logging(service: str) -> None:
    """Log to stderr as ``<UTC time> service=<name> level=<LEVEL> <message>``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UtcFormatter(f"%(asctime)s service={service} level=%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def run_service(
    service: str,
    load_settings: Callable[[], SettingsT],
    create_app: Callable[[SettingsT], Flask],
) -> None:
    """Run one service until SIGTERM/SIGINT; settings must have a ``server`` attribute."""
    configure_logging(service)
    _install_signal_handlers()
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.stderr.write(f"shop.{service}: configuration error: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(2) from None
    app = create_app(settings)
    serve(app, settings.server)
    _exit_now()


def serve(app: Flask, settings: ServerSettings) -> None:
    """Serve ``app`` with waitress in this thread until a stop signal arrives."""
    from waitress.server import create_server

    log = logging.getLogger("shop.server")
    try:
        if settings.listen_fd is not None:  # the parent bound the port and hands the socket over
            handed = socket.socket(fileno=settings.listen_fd)
            server = create_server(app, sockets=[handed], threads=WAITRESS_THREADS)
        else:
            server = create_server(app, host=settings.host, port=settings.port, threads=WAITRESS_THREADS)
    except OSError as exc:
        log.error("cannot listen on %s:%d (SHOP_LISTEN_FD=%s): %s", settings.host, settings.port,
                  settings.listen_fd, exc)  # fmt: skip
        raise SystemExit(1) from None
    _bound_shutdown_wait(server)
    host, port = server.socket.getsockname()[:2] if hasattr(server, "socket") else (settings.host, settings.port)
    log.info("listening on http://%s:%d", host, port)
    try:
        server.run()  # returns after SystemExit/KeyboardInterrupt, having shut down
    finally:
        server.close()
        for hook in app.extensions.get(SHUTDOWN_HOOKS, []):
            hook()
        log.info("stopped")


def _exit_now() -> None:
    # Everything is closed by now. Interpreter finalization (tearing down modules and
    # garbage) was seen taking 1-3 s on a loaded 2-core machine, which would break the
    # "exit within 2 s of SIGTERM" promise, so skip it after flushing the logs.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _install_signal_handlers() -> None:
    def stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _bound_shutdown_wait(server) -> None:
    # waitress waits up to 5 s for busy worker threads on shutdown; the workers are
    # daemon threads, so waiting briefly is enough to finish most requests.
    dispatcher = server.task_dispatcher
    original = dispatcher.shutdown

    def shutdown(cancel_pending: bool = True, timeout: float = SHUTDOWN_GRACE_SECONDS) -> bool:
        return original(cancel_pending, min(timeout, SHUTDOWN_GRACE_SECONDS))

    dispatcher.shutdown = shutdown
