"""The Docker engine as the run sees it: one client, labels that own resources, the reaper.

Every container and volume a run makes carries labels:

- ``handoff.run``: the run id;
- ``handoff.owner``: ``<boot id>:<pid>:<process start time>`` of the process that made it,
  so that a later run can tell a live run's resources from a killed run's leftovers;
- ``handoff.keep``: set on a stack kept for reuse (``run.keep_services``): never reaped.

:func:`reap_leftovers` removes what a run that no longer exists left behind.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from docker.errors import APIError, DockerException, NotFound

import docker

LABEL_RUN = "handoff.run"
LABEL_OWNER = "handoff.owner"
LABEL_HOST = "handoff.host"
LABEL_KEEP = "handoff.keep"
LABEL_SERVICE = "handoff.service"
LABEL_SPEC = "handoff.spec"
LABEL_PORTS = "handoff.ports"
LABEL_SECRETS = "handoff.secrets"
LABEL_PROXIES = "handoff.proxies"
LABEL_BUILD = "handoff.build"


class EngineUnavailable(Exception):
    """The Docker engine does not answer."""


def connect(timeout: float = 60.0) -> docker.DockerClient:
    """A client of the engine named by DOCKER_HOST (default: the local socket), checked with a ping."""
    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except DockerException as error:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise EngineUnavailable(
            f"the Docker engine does not answer at {where} ({_first_line(error)}). Start it, e.g. "
            "`dockerd --bridge=none --iptables=false &` as root, or set DOCKER_HOST."
        ) from None
    return client


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown-boot"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owner_labels(run_id: str) -> dict[str, str]:
    pid = os.getpid()
    return {
        LABEL_RUN: run_id,
        LABEL_OWNER: f"{_boot_id()}:{pid}:{_start_time(pid)}",
        LABEL_HOST: socket.gethostname(),
    }


def owner_alive(labels: dict[str, str]) -> bool:
    """Is the process that made a resource still running? Unknown hosts count as alive."""
    if labels.get(LABEL_HOST) != socket.gethostname():
        return True  # another machine's run on a shared engine: not ours to judge
    try:
        boot, pid, started = labels[LABEL_OWNER].split(":")
    except (KeyError, ValueError):
        return False
    return boot == _boot_id() and _start_time(int(pid)) == started


def reap_leftovers(client: docker.DockerClient) -> list[str]:
    """Remove containers, volumes and networks of runs that ended without cleaning up."""
    reaped = []
    for container in client.containers.list(all=True, filters={"label": LABEL_RUN}):
        if LABEL_KEEP not in container.labels and not owner_alive(container.labels):
            with contextlib.suppress(NotFound):
                container.remove(force=True, v=True)
                reaped.append(f"container {container.name}")
    for volume in client.volumes.list(filters={"label": LABEL_RUN}):
        labels = volume.attrs.get("Labels") or {}
        if LABEL_KEEP not in labels and not owner_alive(labels):
            with contextlib.suppress(NotFound, APIError):  # APIError: still in use by a live container
                volume.remove(force=True)
                reaped.append(f"volume {volume.name}")
    for network in client.networks.list(filters={"label": LABEL_RUN}):
        labels = network.attrs.get("Labels") or {}
        if LABEL_KEEP not in labels and not owner_alive(labels):
            with contextlib.suppress(NotFound, APIError):
                network.remove()
                reaped.append(f"network {network.name}")
    return reaped


def remove_labelled(client: docker.DockerClient, label: str) -> list[str]:
    """Remove every container, volume and network carrying ``label`` (``key`` or ``key=value``)."""
    removed = []
    for container in client.containers.list(all=True, filters={"label": label}):
        with contextlib.suppress(NotFound):
            container.remove(force=True, v=True)
            removed.append(f"container {container.name}")
    for volume in client.volumes.list(filters={"label": label}):
        with contextlib.suppress(NotFound):
            volume.remove(force=True)
            removed.append(f"volume {volume.name}")
    for network in client.networks.list(filters={"label": label}):
        with contextlib.suppress(NotFound):
            network.remove()
            removed.append(f"network {network.name}")
    return removed


def labelled_resources(client: docker.DockerClient, label: str) -> Iterator[str]:
    """Names of what carries ``label``: for checks that nothing was left behind."""
    for container in client.containers.list(all=True, filters={"label": label}):
        yield f"container {container.name}"
    for volume in client.volumes.list(filters={"label": label}):
        yield f"volume {volume.name}"
    for network in client.networks.list(filters={"label": label}):
        yield f"network {network.name}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
