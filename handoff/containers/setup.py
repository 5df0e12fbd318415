"""Once-per-run preparation of the container images: a ``run.setup_once`` hook.

Parallel workers each start their own stack; building the images is the part that must
happen once, in the parent, before them. Each worker then finds the images by their
content tag in well under a second.
"""

from __future__ import annotations

from pathlib import Path

from handoff.config.settings import ConfigError, Settings
from handoff.containers.engine import connect
from handoff.containers.images import Images
from handoff.run.processes import PYTHON


def prepare_images(settings: Settings) -> dict[str, str]:
    images = Images(
        connect(),
        float(settings.get("run.build_timeout")),
        Path(settings.get("run.reports_dir")) / "service-logs",
        settings.project_dir,
    )
    for service in settings.services.values():
        if service.in_container:
            images.image_id(service, lambda text, name=service.name: _render(text, name))
    return {}


def _render(text: str, service: str) -> str:
    try:
        return text.format(python=PYTHON)
    except (KeyError, AttributeError, IndexError) as error:
        raise ConfigError(
            f"service {service!r}: an image or build uses {error} in {text!r}; "
            "before the run starts only {python} is known there"
        ) from None
