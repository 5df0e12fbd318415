"""The HTML report: Allure results rendered offline by the pinned Allure 3 renderer.

The renderer (npm ``allure``, pinned with its whole dependency tree in
``handoff/report/renderer/package-lock.json``) ships with the package as its npm
manifest, not as ``node_modules``. On first use ``npm ci`` installs it into a cache
folder, ``${XDG_CACHE_HOME:-~/.cache}/handoff/renderer-<allure version>-<lock hash>``
(``HANDOFF_RENDERER_DIR`` chooses another); every later rendering reuses it. A changed
lock file gives a new folder, so an upgrade never renders with a stale tree.

::

    from handoff.report.rendering import render_report

    render_report(Path("reports/allure-results"), Path("reports/allure-report"),
                  history=Path("reports/allure-history.jsonl"))

Without Node or npm nothing is lost: the results stay where behave wrote them, and
:class:`RendererUnavailable` says what to install and which command to run then.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from handoff.report.api_coverage import write_page as write_api_coverage_page
from handoff.report.flake_score import tag_flake_scores
from handoff.report.results import forget_history_of

RENDERER_SOURCE = Path(__file__).resolve().parent / "renderer"
CATEGORIES_FILE = Path(__file__).resolve().parent / "categories.json"
RENDERER_FILES = ("package.json", "package-lock.json", "allurerc.mjs", "node20-polyfills.mjs")
INSTALLED_STAMP = ".handoff-installed"
INSTALL_TIMEOUT = 600.0
RENDER_TIMEOUT = 600.0
MINIMUM_NODE = 20


class RendererUnavailable(Exception):
    """The renderer cannot run here (no Node or npm, or its installation failed)."""


class RenderFailed(Exception):
    """The renderer ran and failed; the message carries what it printed."""


@dataclass(frozen=True)
class Renderer:
    """An installed renderer: its folder, its ``allure`` command and its configuration."""

    folder: Path

    @property
    def command(self) -> Path:
        return self.folder / "node_modules" / ".bin" / "allure"

    @property
    def config(self) -> Path:
        return self.folder / "allurerc.mjs"


def allure_version() -> str:
    manifest = json.loads((RENDERER_SOURCE / "package.json").read_text(encoding="utf-8"))
    return manifest["dependencies"]["allure"]


def renderer_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the renderer is (or will be) installed."""
    chosen = environ.get("HANDOFF_RENDERER_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    cache = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    lock = hashlib.sha256((RENDERER_SOURCE / "package-lock.json").read_bytes()).hexdigest()[:10]
    return (cache / "handoff" / f"renderer-{allure_version()}-{lock}").resolve()


def later_command(results: Path) -> str:
    return f"handoff report --results {results}"


def ensure_renderer(environ: Mapping[str, str] = os.environ, *, log=print) -> Renderer:
    """The installed renderer, installing it with ``npm ci`` first if needed."""
    folder = renderer_dir(environ)
    renderer = Renderer(folder)
    _check_node(environ)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".install-lock"):  # two runs rendering at once install once
        _copy_configuration(folder)
        if not (folder / INSTALLED_STAMP).is_file() or not renderer.command.exists():
            _install(folder, environ, log)
    return renderer


def render_report(
    results: Path,
    output: Path,
    *,
    history: Path | None = None,
    single_file: bool = False,
    environ: Mapping[str, str] = os.environ,
    log=print,
) -> Path:
    """Render ``results`` into ``output`` (replaced); returns the report's ``index.html``.

    Rendering again for the same results replaces this run's point in ``history``
    instead of adding a second one.
    """
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise RenderFailed(
            f"no Allure results in {results}: run behave first (behave.ini's allure formatter writes them there)"
        )
    renderer = ensure_renderer(environ, log=log)
    env = {**environ, "ALLURE_SINGLE_FILE": "1" if single_file else ""}
    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
        forget_history_of(results, history)
        tag_flake_scores(results, history)
        env["ALLURE_HISTORY_PATH"] = str(history.resolve())
    else:
        env["ALLURE_APPEND_HISTORY"] = "0"
    page = write_api_coverage_page(results)  # the run's API coverage, when it described any API
    if page is not None:
        env["HANDOFF_GLOBAL_ATTACHMENTS"] = str(page.resolve())
    shutil.rmtree(output, ignore_errors=True)
    command = [str(renderer.command), "generate", str(results), "--config", str(renderer.config), "-o", str(output)]
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"the renderer did not finish within {RENDER_TIMEOUT:.0f} s: {' '.join(command)}") from None
    if completed.returncode != 0:
        printed = (completed.stdout + completed.stderr).strip()[-4000:]
        raise RenderFailed(f"the renderer failed (exit {completed.returncode}): {' '.join(command)}\n{printed}")
    return output / "index.html"


def _check_node(environ: Mapping[str, str]) -> None:
    path = environ.get("PATH", os.defpath)
    node, npm = shutil.which("node", path=path), shutil.which("npm", path=path)
    if node is None or npm is None:
        missing = [name for name, found in (("node", node), ("npm", npm)) if found is None]
        raise RendererUnavailable(
            f"the HTML report needs Node {MINIMUM_NODE} or newer with npm, and {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not on PATH. "
            "Install Node.js (https://nodejs.org, or your system's package manager), then render"
        )
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RendererUnavailable(f"could not run {node} --version ({error})") from None
    major = version.lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < MINIMUM_NODE:
        raise RendererUnavailable(
            f"the HTML report needs Node {MINIMUM_NODE} or newer; {node} is {version or 'of unknown version'}. "
            "Install a newer Node.js, then render"
        )


def _copy_configuration(folder: Path) -> None:
    """The manifest and configuration, fresh each time (cheap; they may have changed with the package)."""
    for name in RENDERER_FILES:
        _copy_if_changed(RENDERER_SOURCE / name, folder / name)
    _copy_if_changed(CATEGORIES_FILE, folder / "categories.json")


def _copy_if_changed(source: Path, target: Path) -> None:
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)


def _install(folder: Path, environ: Mapping[str, str], log) -> None:
    (folder / INSTALLED_STAMP).unlink(missing_ok=True)
    log(f"handoff: installing the report renderer (npm allure {allure_version()}) into {folder} (once)")
    command = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        completed = subprocess.run(
            command, cwd=folder, env=dict(environ), capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise RendererUnavailable(
            f"`npm ci` in {folder} did not finish within {INSTALL_TIMEOUT:.0f} s (is the npm registry reachable?)"
        ) from None
    if completed.returncode != 0:
        printed = (completed.stdout + completed.stderr).strip()[-3000:]
        raise RendererUnavailable(
            f"`npm ci` in {folder} failed (exit {completed.returncode}); is the npm registry reachable "
            f"(or an npm cache configured)?\n{printed}"
        )
    (folder / INSTALLED_STAMP).write_text(allure_version() + "\n", encoding="utf-8")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
