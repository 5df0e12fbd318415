"""Services of the system under test in containers, driven through the Docker SDK.

A service declared with ``image`` or ``build`` (see ``config/docker.toml``) runs in a
container on the host's network. Modules:

- :mod:`.engine`: the client, the labels that own every resource, the reaper;
- :mod:`.images`: images found, pulled or built (tagged by a content hash);
- :mod:`.probes`: readiness probes, one class per kind (HTTP, TCP, log line, command);
- :mod:`.stack`: :class:`ContainerStack`, the lifecycle of a run's containers.

``python -m handoff.containers down`` removes every container and volume a run left,
kept stacks included.
"""

from handoff.containers.engine import EngineUnavailable
from handoff.containers.images import ImageError
from handoff.containers.stack import ContainerStack

__all__ = ["ContainerStack", "EngineUnavailable", "ImageError"]
