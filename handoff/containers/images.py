"""Images for container services: found by name, or built from a declared context.

A ``build`` table in a service's declaration::

    build = { context = ".", dockerfile = "docker/shop/Dockerfile", files = ["shop", "docker/shop"],
              tag = "handoff/shop", args = { KEY = "value" }, prepare = ["{python}", "docker/prepare.py"] }

``prepare`` runs first (it may make material the build needs). Only ``files`` (paths in
the context; default: all of it) go to the engine. The image is tagged with a hash of
what it is made from (the Dockerfile, the files, the arguments and the images it starts
FROM), so an unchanged image is found by its tag and not built again; services with the
same build share one image.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docker.errors import APIError, ImageNotFound

import docker
from handoff.config.settings import ConfigError, ServiceConfig
from handoff.containers.engine import LABEL_BUILD

_SKIPPED = {"__pycache__", ".git", ".venv", ".pytest_cache", ".ruff_cache", "node_modules"}
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(?P<image>\S+)", re.IGNORECASE | re.MULTILINE)
_ARG = re.compile(r"^\s*ARG\s+(?P<name>\w+)(?:=(?P<default>\S*))?", re.IGNORECASE | re.MULTILINE)


class ImageError(Exception):
    """An image could not be found, pulled, prepared or built."""


@dataclass(frozen=True)
class BuildSpec:
    context: Path
    dockerfile: str  # inside the context
    files: tuple[str, ...]
    args: Mapping[str, str]
    repository: str
    prepare: tuple[str, ...] = ()
    network: str = "host"

    @classmethod
    def of(cls, service: ServiceConfig, render: Callable[[str], str], project_dir: Path) -> BuildSpec:
        build = dict(service.build)
        unknown = set(build) - {"context", "dockerfile", "files", "args", "tag", "prepare", "network"}
        if unknown:
            raise ConfigError(f"services.{service.name}.build has unknown key(s): {', '.join(sorted(unknown))}")
        context = (project_dir / render(str(build.get("context", ".")))).resolve()
        if not context.is_dir():
            raise ConfigError(f"services.{service.name}.build.context {context} is not a folder")
        dockerfile = render(str(build.get("dockerfile", "Dockerfile")))
        if not (context / dockerfile).is_file():
            raise ConfigError(f"services.{service.name}.build: no Dockerfile at {context / dockerfile}")
        return cls(
            context=context,
            dockerfile=dockerfile,
            files=tuple(render(str(path)) for path in build.get("files", ())),
            args={key: render(str(value)) for key, value in dict(build.get("args", {})).items()},
            repository=render(str(build.get("tag", f"handoff/{service.name}"))),
            prepare=tuple(render(str(part)) for part in build.get("prepare", ())),
            network=str(build.get("network", "host")),
        )

    def context_files(self) -> list[Path]:
        roots = [self.context / path for path in self.files] if self.files else [self.context]
        roots.append(self.context / self.dockerfile)
        found: set[Path] = set()
        for root in roots:
            if not root.exists():
                raise ImageError(f"build file {root} does not exist (build.files of {self.repository})")
            found.update(_walk(root))
        return sorted(found)


def _walk(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for child in path.iterdir():
        if child.name in _SKIPPED or child.suffix == ".pyc":
            continue
        yield from _walk(child)


@dataclass
class Images:
    """Finds, pulls or builds the image of each container service, once per run."""

    client: docker.DockerClient
    build_timeout: float
    log_dir: Path
    project_dir: Path  # build contexts and prepare commands are relative to the test project
    built: dict[str, str] = field(default_factory=dict)  # content tag -> image id
    prepared: set[tuple[str, ...]] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)  # image -> seconds to prepare and build

    def image_id(self, service: ServiceConfig, render: Callable[[str], str]) -> str:
        if service.build:
            return self._build(BuildSpec.of(service, render, self.project_dir))
        return self._find(render(service.image), service.name)

    def _find(self, reference: str, service: str) -> str:
        try:
            return self.client.images.get(reference).id
        except ImageNotFound:
            pass
        try:
            return self.client.images.pull(reference).id
        except APIError as error:
            raise ImageError(
                f"service {service!r}: image {reference!r} is not on this engine and could not be pulled "
                f"({error.explanation or error}). Build it, or declare a build instead of an image."
            ) from None

    def _build(self, spec: BuildSpec) -> str:
        started = time.monotonic()
        if spec.prepare and spec.prepare not in self.prepared:
            self._prepare(spec)
            self.prepared.add(spec.prepare)
        files = spec.context_files()
        tag = f"{spec.repository}:{self._content_hash(spec, files)}"
        if tag in self.built:
            return self.built[tag]
        try:
            image_id = self.client.images.get(tag).id
        except ImageNotFound:
            image_id = self._run_build(spec, files, tag)
            self.timings[tag] = time.monotonic() - started
            self._remove_older(spec.repository, image_id)
        self.built[tag] = image_id
        return image_id

    def _prepare(self, spec: BuildSpec) -> None:
        try:
            subprocess.run(
                spec.prepare, cwd=self.project_dir, check=True, stdin=subprocess.DEVNULL, timeout=self.build_timeout
            )
        except subprocess.TimeoutExpired:
            raise ImageError(
                f"preparing {spec.repository} ({' '.join(spec.prepare)}) took longer than "
                f"{self.build_timeout:g} s (run.build_timeout)"
            ) from None
        except (OSError, subprocess.CalledProcessError) as error:
            raise ImageError(f"preparing {spec.repository} ({' '.join(spec.prepare)}) failed: {error}") from None

    def _remove_older(self, repository: str, current: str) -> None:
        """Earlier builds of the same image are not needed again; one a container uses stays."""
        for image in self.client.images.list(name=repository, filters={"label": LABEL_BUILD}):
            if image.id != current:
                with contextlib.suppress(APIError):
                    self.client.images.remove(image.id)

    def _content_hash(self, spec: BuildSpec, files: list[Path]) -> str:
        digest = hashlib.sha256()
        dockerfile = (spec.context / spec.dockerfile).read_text()
        for name, value in sorted(spec.args.items()):
            digest.update(f"arg {name}={value}\0".encode())
        for base in _base_images(dockerfile, spec.args):
            try:
                digest.update(f"from {self.client.images.get(base).id}\0".encode())
            except ImageNotFound:
                digest.update(f"from {base}\0".encode())
        for path in files:
            digest.update(f"file {path.relative_to(spec.context)}\0".encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def _run_build(self, spec: BuildSpec, files: list[Path], tag: str) -> str:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"build-{spec.repository.replace('/', '-')}.log"
        with tempfile.TemporaryFile() as context, log_path.open("w", encoding="utf-8") as log:
            with tarfile.open(fileobj=context, mode="w") as tar:
                for path in files:
                    tar.add(path, arcname=str(path.relative_to(spec.context)), recursive=False)
            context.seek(0)
            last_lines: list[str] = []
            try:
                for chunk in self.client.api.build(
                    fileobj=context,
                    custom_context=True,
                    dockerfile=spec.dockerfile,
                    tag=tag,
                    buildargs=dict(spec.args),
                    labels={LABEL_BUILD: tag},
                    network_mode=spec.network,
                    rm=True,
                    forcerm=True,
                    decode=True,
                    timeout=int(self.build_timeout),
                ):
                    text = chunk.get("stream") or chunk.get("status") or ""
                    if text.strip():
                        log.write(text if text.endswith("\n") else text + "\n")
                        last_lines = (last_lines + text.strip().splitlines())[-15:]
                    if "error" in chunk:
                        log.write(chunk["error"] + "\n")
                        raise ImageError(
                            f"building {tag} failed: {chunk['error'].strip()}\n"
                            f"Last lines of {log_path}:\n" + "\n".join("    " + line for line in last_lines)
                        )
            except APIError as error:
                raise ImageError(f"building {tag} failed: {error.explanation or error}") from None
        return self.client.images.get(tag).id


def _base_images(dockerfile: str, args: Mapping[str, str]) -> list[str]:
    """The images a Dockerfile starts FROM, with ARG defaults and build arguments filled in."""
    values = {match["name"]: match["default"] or "" for match in _ARG.finditer(dockerfile)}
    values.update(args)
    stages: set[str] = set()
    bases = []
    for line in dockerfile.splitlines():
        match = _FROM.match(line)
        if not match:
            continue
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m[1], ""), match["image"])
        if image.lower() != "scratch" and image not in stages:
            bases.append(image)
        parts = line.split()
        if len(parts) >= 4 and parts[-2].upper() == "AS":
            stages.add(parts[-1])
    return bases
