"""What the report says about the run itself, written into the Allure results folder.

allure-behave writes none of these, so the framework does:

* ``environment.properties``: environment name, service URLs, database dialects,
  versions of Python, Handoff (handoff-bdd) and its key packages, and of the system under test;
* ``executor.json``: the CI job that ran the suite (GitHub Actions, GitLab CI,
  Jenkins) with a link back to it, or "local";
* ``categories.json``: the defect categories for Allure 2 readers, copied from
  ``handoff/report/categories.json`` (Allure 3 reads the same file via allurerc.mjs);
* when the environment was not usable before the first scenario, a result saying so,
  so the report shows an infrastructure problem instead of an empty page.
"""

from __future__ import annotations

import json
import platform
import re
import time
import traceback
import uuid
from collections.abc import Mapping
from importlib import metadata, util
from pathlib import Path

CATEGORIES_FILE = Path(__file__).resolve().parent / "categories.json"
KEY_PACKAGES = ("handoff-bdd", "behave", "allure-behave", "requests", "SQLAlchemy")
ALLURE2_CATEGORY_KEYS = ("name", "matchedStatuses", "messageRegex", "traceRegex", "flaky")


def environment_properties(run) -> dict[str, str]:
    """The environment panel: where the run ran and with what (secrets masked)."""
    properties = {"environment": run.settings.env}
    properties |= {f"service.{name}": run.masker.mask(url) for name, url in run.service_urls.items()}
    properties |= {f"database.{name}": db.url.split(":", 1)[0] for name, db in run.settings.databases.items()}
    properties |= system_under_test_versions(run)
    properties["python"] = platform.python_version()
    properties |= {f"version.{name}": _version(name) for name in KEY_PACKAGES}
    properties["run.id"] = run.run_id
    return properties


def system_under_test_versions(run) -> dict[str, str]:
    """``__version__`` of the packages the run starts with ``python -m <package>.<module>``.

    Read from the package's ``__init__.py`` without importing the system under test.
    """
    versions: dict[str, str] = {}
    for service in run.settings.services.values():
        command = list(service.command or ())
        if "-m" not in command or command.index("-m") + 1 >= len(command):
            continue
        package = command[command.index("-m") + 1].split(".")[0]
        if f"version.{package}" in versions:
            continue
        version = _package_dunder_version(package)
        if version:
            versions[f"version.{package}"] = version
    return versions


def write_environment_properties(results_dir: Path, properties: Mapping[str, str]) -> None:
    """Allure's environment widget; allure-behave leaves this file to us."""
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{_escape_key(key)}={_escape(str(value))}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")


def executor(environ: Mapping[str, str], run_id: str) -> dict[str, object]:
    """Allure's executor block: which CI job ran the suite, with links back to it."""
    if environ.get("GITHUB_ACTIONS") == "true":
        server = environ.get("GITHUB_SERVER_URL", "https://github.com")
        repository = environ.get("GITHUB_REPOSITORY", "")
        run_url = f"{server}/{repository}/actions/runs/{environ.get('GITHUB_RUN_ID', '')}"
        return _executor(
            "GitHub Actions",
            "github",
            url=f"{server}/{repository}",
            build_order=environ.get("GITHUB_RUN_NUMBER"),
            build_name=f"{environ.get('GITHUB_WORKFLOW', 'workflow')} #{environ.get('GITHUB_RUN_NUMBER', '?')}"
            f" ({environ.get('GITHUB_JOB', 'job')})",
            build_url=run_url,
        )
    if environ.get("GITLAB_CI") == "true":
        return _executor(
            "GitLab CI",
            "gitlab",
            url=environ.get("CI_PROJECT_URL", ""),
            build_order=environ.get("CI_PIPELINE_IID") or environ.get("CI_PIPELINE_ID"),
            build_name=f"pipeline #{environ.get('CI_PIPELINE_IID', environ.get('CI_PIPELINE_ID', '?'))}"
            f" ({environ.get('CI_JOB_NAME', 'job')})",
            build_url=environ.get("CI_JOB_URL") or environ.get("CI_PIPELINE_URL", ""),
        )
    if environ.get("JENKINS_URL"):
        return _executor(
            "Jenkins",
            "jenkins",
            url=environ.get("JENKINS_URL", ""),
            build_order=environ.get("BUILD_NUMBER"),
            build_name=environ.get("BUILD_TAG") or f"{environ.get('JOB_NAME', 'job')} #{environ.get('BUILD_NUMBER')}",
            build_url=environ.get("BUILD_URL", ""),
        )
    return _executor("local", "local", build_name=f"local run {run_id} on {platform.node() or 'this machine'}")


def categories() -> list[dict[str, object]]:
    """The defect categories in Allure 2's format."""
    rules = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    return [{key: rule[key] for key in ALLURE2_CATEGORY_KEYS if key in rule} for rule in rules]


def write_report_metadata(results_dir: Path, run, environ: Mapping[str, str]) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    write_environment_properties(results_dir, environment_properties(run))
    _write_json(results_dir / "executor.json", executor(environ, run.run_id))
    _write_json(results_dir / "categories.json", categories())


def write_environment_failure(results_dir: Path, error: BaseException, masker) -> Path:
    """A result for a run that stopped before its first scenario (allure-behave writes none)."""
    kind = type(error)
    return write_run_failure(
        results_dir,
        "The test environment is ready",
        masker.mask(f"{kind.__module__}.{kind.__qualname__}: {error}"),
        masker.mask("".join(traceback.format_exception(error))),
    )


def write_run_failure(results_dir: Path, name: str, message: str, trace: str = "") -> Path:
    """A broken result that says why a run did not run its scenarios, so no report shows it as passed."""
    results_dir.mkdir(parents=True, exist_ok=True)
    now = int(time.time() * 1000)
    result = {
        "uuid": str(uuid.uuid4()),
        "historyId": "handoff-environment-check",
        "testCaseId": "handoff-environment-check",
        "fullName": f"Run: {name}",
        "name": name,
        "status": "broken",
        "statusDetails": {"message": message + "\n", "trace": trace},
        "stage": "finished",
        "start": now,
        "stop": now,
        "labels": [
            {"name": "epic", "value": "Run"},
            {"name": "feature", "value": "Environment check"},
            {"name": "severity", "value": "blocker"},
            {"name": "framework", "value": "behave"},
        ],
    }
    path = results_dir / f"{result['uuid']}-result.json"
    _write_json(path, result)
    return path


def _executor(name: str, kind: str, *, url="", build_order=None, build_name="", build_url="") -> dict[str, object]:
    data: dict[str, object] = {"name": name, "type": kind, "buildName": build_name}
    if url:
        data["url"] = url
    if build_url:
        data["buildUrl"] = build_url
    if build_order and str(build_order).isdigit():
        data["buildOrder"] = int(build_order)
    data["reportName"] = "Handoff integration tests"
    return data


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _package_dunder_version(package: str) -> str | None:
    try:
        spec = util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith("__init__.py"):
        return None
    try:
        source = Path(spec.origin).read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", source, re.MULTILINE)
    return found.group(1) if found else None


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_key(key: str) -> str:
    return key.replace("\\", "\\\\").replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ")
