"""Make the offline material the images are built from, cached between runs.

Nothing is pulled from a container registry: the base image is a Debian root
filesystem made with ``debootstrap --variant=minbase`` and loaded with
``docker import``, and the shop's Python packages are wheels downloaded on this
host and installed with ``pip install --no-index`` inside the build.

    python docker/prepare.py base     # image handoff/base:bookworm (python3, venv, postgresql-15)
    python docker/prepare.py wheels   # shop/requirements.txt as cp311 wheels in docker/shop/wheels/
    python docker/prepare.py          # both

Both are cached under ``$HANDOFF_CACHE_DIR`` (default ``~/.cache/handoff``): the root
filesystem tarball and the wheels are keyed by what they are made from, so a second
call does nothing but check. Debian's mirror is ``$HANDOFF_DEBIAN_MIRROR``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = "bookworm"
PACKAGES = ("python3", "python3-venv", "postgresql-15")
MIRROR = os.environ.get("HANDOFF_DEBIAN_MIRROR", "http://deb.debian.org/debian")
ROOTFS_RECIPE = "2"  # bump when _slim or the debootstrap call changes: the cached tarball is remade
BASE_REPOSITORY = "handoff/base"
BASE_TAG = SUITE  # what the Dockerfiles name; the content tag is the cache key
SHOP_REQUIREMENTS = ROOT / "shop" / "requirements.txt"
SHOP_WHEELS = ROOT / "docker" / "shop" / "wheels"
# Wheels for the image's interpreter (Debian bookworm: CPython 3.11, glibc 2.36), not the host's.
WHEEL_TARGET = (
    "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
    "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
    "--platform", "manylinux2014_x86_64", "--only-binary=:all:",
)  # fmt: skip


def cache_dir() -> Path:
    configured = os.environ.get("HANDOFF_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "handoff"


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def _say(message: str) -> None:
    print(f"prepare: {message}", file=sys.stderr, flush=True)


def ensure_base_image() -> str:
    """handoff/base:bookworm, imported from a cached debootstrap tarball; returns the image id."""
    import docker  # the host's SDK, as the framework uses it

    key = _key(SUITE, "minbase", ",".join(PACKAGES), MIRROR, ROOTFS_RECIPE)
    client = docker.from_env(timeout=600)
    try:
        try:
            image = client.images.get(f"{BASE_REPOSITORY}:{key}")
        except docker.errors.ImageNotFound:
            tarball = _rootfs_tarball(key)
            started = time.monotonic()
            client.api.import_image_from_file(str(tarball), repository=BASE_REPOSITORY, tag=key)
            image = client.images.get(f"{BASE_REPOSITORY}:{key}")
            _say(f"imported {tarball.name} as {BASE_REPOSITORY}:{key} in {time.monotonic() - started:.1f} s")
        if f"{BASE_REPOSITORY}:{BASE_TAG}" not in image.tags:
            image.tag(BASE_REPOSITORY, BASE_TAG)
        return image.id
    finally:
        client.close()


def _rootfs_tarball(key: str) -> Path:
    tarball = cache_dir() / "rootfs" / f"{SUITE}-{key}.tar"
    if tarball.is_file():
        return tarball
    if shutil.which("debootstrap") is None:
        sys.exit("prepare: debootstrap is not installed (apt-get install -y debootstrap)")
    tarball.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=tarball.parent, prefix="debootstrap-") as work:
        rootfs = Path(work) / "rootfs"
        _say(f"debootstrap --variant=minbase {SUITE} with {', '.join(PACKAGES)} from {MIRROR} ...")
        subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(rootfs), MIRROR],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        _slim(rootfs)
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(partial), "."], check=True)
        partial.rename(tarball)
    _say(f"root filesystem {tarball} made in {time.monotonic() - started:.1f} s")
    return tarball


def _slim(rootfs: Path) -> None:
    """A smaller image: no package caches, documentation, translations, the cluster that
    postgresql-common made, nor LLVM (PostgreSQL's optional JIT, off when its library is missing)."""
    for leftover in ("var/cache/apt", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info",
                     "usr/share/locale", "var/lib/postgresql/15", "etc/postgresql/15"):  # fmt: skip
        shutil.rmtree(rootfs / leftover, ignore_errors=True)
    for pattern in ("usr/lib/x86_64-linux-gnu/libLLVM*", "usr/lib/postgresql/15/lib/llvmjit*",
                    "usr/lib/postgresql/15/lib/bitcode"):  # fmt: skip
        for path in rootfs.glob(pattern):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def ensure_shop_wheels() -> Path:
    """The shop's wheels in docker/shop/wheels/, downloaded once into the cache."""
    requirements = SHOP_REQUIREMENTS.read_text()
    cached = cache_dir() / "wheels" / _key(requirements, *WHEEL_TARGET)
    if not (cached / ".complete").is_file():
        started = time.monotonic()
        cached.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "-r", str(SHOP_REQUIREMENTS), "-d", str(cached), *WHEEL_TARGET],
            check=True,
        )  # fmt: skip
        (cached / ".complete").touch()
        _say(f"downloaded the shop's wheels into {cached} in {time.monotonic() - started:.1f} s")
    wanted = {path.name for path in cached.glob("*.whl")}
    SHOP_WHEELS.mkdir(parents=True, exist_ok=True)
    for present in SHOP_WHEELS.glob("*.whl"):
        if present.name not in wanted:
            present.unlink()
    for name in wanted:
        target = SHOP_WHEELS / name
        if not target.exists():
            shutil.copy2(cached / name, target)
    shutil.copy2(SHOP_REQUIREMENTS, SHOP_WHEELS / "requirements.txt")
    return SHOP_WHEELS


def main(argv: list[str]) -> int:
    wanted = argv or ["base", "wheels"]
    unknown = set(wanted) - {"base", "wheels"}
    if unknown:
        sys.exit(f"prepare: unknown part(s) {', '.join(sorted(unknown))}; use base and/or wheels")
    if "base" in wanted:
        ensure_base_image()
    if "wheels" in wanted:
        ensure_shop_wheels()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
