"""Run configuration: one frozen object, built once per run.

Sources, strongest first:

1. behave userdata: ``behave -D http.timeout=10`` (dotted keys);
2. environment variables: ``HANDOFF_HTTP__TIMEOUT=10`` (``__`` separates levels);
3. the environment's file: ``config/<env>.toml`` (``-D env=postgres``), which may
   ``extends = "<other env>"``;
4. the defaults below.

Secrets never live in files: a file names the environment variable that holds one
(``[secrets] name = "ENV_VAR"``), and ``${VAR}`` / ``${VAR:-default}`` in any string
is read from the environment when the file is loaded.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from handoff.config.errors import ConfigError
from handoff.config.schema import TOP_LEVEL_SCALARS, check_dotted_key, check_file, check_value

ENV_PREFIX = "HANDOFF_"
DEFAULT_ENV = "local"

# Short -D names for keys people type often: behave -D keep_services=true
SHORT_KEYS = {"keep_services": "run.keep_services"}

DEFAULTS: dict[str, Any] = {
    "run": {
        "start_services": False,
        "start_timeout": 30.0,
        "reports_dir": "reports",
        "keep_services": False,  # containers: leave the stack running, and attach to it next time
        "build_timeout": 900.0,  # containers: seconds for preparing and building images
    },
    "http": {"timeout": 5.0, "connect_timeout": 2.0, "verify_tls": True, "ca_bundle": ""},
    "email": {"wait": 5.0},
    "step": {"timeout": 60.0},
    "tracing": {"enabled": True, "wait": 1.0, "port": 0, "query_url": "", "query": "jaeger"},
    "services": {},
    "databases": {},
    "secrets": {},
    "data": {},  # test data of the environment, usable in features as {data.<name>}
}

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


CONTRACT_MODES = ("off", "report", "enforce")  # see handoff/contracts/contracts.py


@dataclass(frozen=True)
class ServiceConfig:
    """A service of the system under test: where it answers, and how to start it if we do."""

    name: str
    url: str = ""
    health: str = "/health"
    command: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    ports: tuple[str, ...] = ("http",)
    # A service in a container (support/containers): an image to run, or one to build.
    image: str = ""
    build: Mapping[str, Any] = field(default_factory=dict)  # context, dockerfile, files, args, tag, prepare
    volumes: tuple[str, ...] = ()  # "name:/path", "./host/path:/path:ro"
    ready: Mapping[str, Any] = field(default_factory=dict)  # one of http, tcp, log, command
    depends_on: tuple[str, ...] = ()
    # Its OpenAPI description (a file, a URL, or a path it serves) and contract mode (handoff/contracts)
    openapi: str = ""
    contract: str = "report"

    @property
    def in_container(self) -> bool:
        return bool(self.image or self.build)

    @property
    def started_by_us(self) -> bool:
        return bool(self.command) or self.in_container


@dataclass(frozen=True)
class DatabaseConfig:
    """A named database; ``create`` makes it a throw-away database made and dropped per run."""

    name: str
    url: str
    create: bool = False
    source: str = ""  # where the url comes from, for messages: the key, the file, the variables behind it


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, read once. Look up any key with :meth:`get`."""

    env: str
    values: Mapping[str, Any]
    sources: Mapping[str, str]
    services: Mapping[str, ServiceConfig]
    databases: Mapping[str, DatabaseConfig]
    project_dir: Path = field(default_factory=Path.cwd)  # relative paths in the files start here

    def get(self, dotted_key: str) -> Any:
        node: Any = self.values
        for part in dotted_key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise ConfigError(missing_key_message(dotted_key, self.env))
            node = node[part]
        return node

    @property
    def start_services(self) -> bool:
        return bool(self.get("run.start_services"))

    def service(self, name: str) -> ServiceConfig:
        return self._declared("service", self.services, name)

    def database(self, name: str) -> DatabaseConfig:
        return self._declared("database", self.databases, name)

    def _declared(self, kind: str, declared: Mapping[str, Any], name: str) -> Any:
        if name in declared:
            return declared[name]
        known = ", ".join(sorted(declared)) or "none"
        raise ConfigError(
            f"unknown {kind} {name!r} (environment {self.env!r} declares: {known}); "
            f"add [{kind}s.{name}] to config/{self.env}.toml"
        )

    def secret_variables(self) -> Mapping[str, str]:
        """Secret name -> the environment variable that holds it."""
        return self.get("secrets")


def missing_key_message(dotted_key: str, env: str) -> str:
    variable = ENV_PREFIX + dotted_key.upper().replace(".", "__")
    return (
        f"missing configuration key {dotted_key!r}: set it in config/{env}.toml, "
        f"or export {variable}=..., or pass -D {dotted_key}=..."
    )


def load_settings(
    userdata: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    config_dir: Path | None = None,
    project_dir: Path | None = None,
) -> Settings:
    """Build the run's settings from defaults, the environment's file, variables and -D.

    The environments' files live in the folder that ``-D config_dir=`` or
    ``HANDOFF_CONFIG_DIR`` names, or else in the nearest ``config/`` folder at or above
    ``project_dir`` (behave's base folder, where ``steps/`` or ``environment.py`` is; the
    working folder if not given) that holds the environment's file, as git and ruff find
    theirs. A project without any runs on the defaults. Relative paths in the files are
    relative to the folder that holds ``config/``.
    """
    userdata = {SHORT_KEYS.get(key, key): value for key, value in (userdata or {}).items()}
    environ = os.environ if environ is None else environ
    chosen = userdata.pop("env", None) or environ.get(ENV_PREFIX + "ENV")
    env = chosen or DEFAULT_ENV
    chosen_dir = userdata.pop("config_dir", None) or environ.get(ENV_PREFIX + "CONFIG_DIR")
    project_dir = Path(project_dir or Path.cwd()).resolve()
    if chosen_dir or config_dir:
        config_dir = Path(chosen_dir or config_dir).resolve()
    else:
        config_dir = _nearest_config_dir(project_dir, env)
        project_dir = config_dir.parent

    values = copy.deepcopy(DEFAULTS)
    sources: dict[str, str] = {}
    variables: dict[str, list[tuple[str, bool]]] = {}  # dotted key -> the ${VARIABLES} it was built from, set or not
    if chosen or config_dir.is_dir():
        _merge(values, _read_env_file(env, config_dir, environ, variables), sources, f"config/{env}.toml")
    # else: a project without config/ (steps that need no services) runs on the defaults
    _apply_overrides(values, sources, _variables_as_overrides(environ), "environment variable")
    _apply_overrides(values, sources, userdata, "-D")
    return Settings(
        env=env,
        values=_freeze(values),
        sources=MappingProxyType(sources),
        services=MappingProxyType(_services(values, env)),
        databases=MappingProxyType(_databases(values, env, variables, sources)),
        project_dir=project_dir,
    )


def _nearest_config_dir(start: Path, env: str) -> Path:
    """``config/`` at or above ``start`` that holds ``<env>.toml``; ``start/config`` if none does."""
    for folder in (start, *start.parents):
        if (folder / "config" / f"{env}.toml").is_file():
            return folder / "config"
    return start / "config"


def _read_env_file(
    env: str, config_dir: Path, environ: Mapping[str, str], variables: dict[str, list[tuple[str, bool]]]
) -> dict[str, Any]:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", env):
        raise ConfigError(f"invalid environment name {env!r}: use letters, digits, - and _")
    path = config_dir / f"{env}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in config_dir.glob("*.toml"))) or "none"
        raise ConfigError(f"unknown environment {env!r}: no {path} (known: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    parent = data.pop("extends", None)
    check_file(data, str(path))
    data = _interpolate(data, environ, f"config/{env}.toml", variables)
    if parent is None:
        return data
    if parent == env:
        raise ConfigError(f"{path}: an environment cannot extend itself")
    base = _read_env_file(parent, config_dir, environ, variables)
    _merge(base, data, {}, "")
    return base


def _interpolate(
    node: Any, environ: Mapping[str, str], where: str, variables: dict[str, list[tuple[str, bool]]], path: str = ""
) -> Any:
    if isinstance(node, dict):
        return {key: _interpolate(value, environ, where, variables, f"{path}{key}.") for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolate(value, environ, where, variables, path) for value in node]
    if not isinstance(node, str):
        return node

    def replace(match: re.Match[str]) -> str:
        name, default = match["name"], match["default"]
        variables.setdefault(path.rstrip("."), []).append((name, name in environ))
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        raise ConfigError(f"{where} uses ${{{name}}}, but environment variable {name} is not set")

    return _ENV_REFERENCE.sub(replace, node)


def _merge(base: dict, overlay: Mapping, sources: dict[str, str], source: str, prefix="") -> None:
    for key, value in overlay.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, sources, source, dotted + ".")
        else:
            base[key] = copy.deepcopy(value)
            if source:
                sources[dotted] = source


def _variables_as_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """``HANDOFF_<SECTION>__<KEY>`` variables as dotted keys; other ``HANDOFF_*`` variables
    (``HANDOFF_PG_URL``) are plain variables, read where a file writes ``${HANDOFF_PG_URL}``."""
    overrides = {}
    for name, value in environ.items():
        key = name[len(ENV_PREFIX) :].lower()
        if name.startswith(ENV_PREFIX) and ("__" in key or key in TOP_LEVEL_SCALARS):
            overrides[key.replace("__", ".")] = value
    return overrides


def _apply_overrides(values: dict, sources: dict, overrides: Mapping[str, str], origin: str):
    for dotted_key, raw in sorted(overrides.items()):
        where = f"{origin} {ENV_PREFIX + dotted_key.upper().replace('.', '__')}" if origin.startswith("env") else origin
        check_dotted_key(dotted_key, where)
        *parents, leaf = dotted_key.split(".")
        node = values
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{origin} {dotted_key}={raw!r}: {part!r} is not a section")
        node[leaf] = _coerce(raw, node.get(leaf), f"{origin} {dotted_key}")
        check_value(dotted_key, node[leaf], f"{origin} {dotted_key}={raw!r}")
        sources[dotted_key] = origin


def _coerce(raw: str, current: Any, what: str) -> Any:
    """Read a text override as the kind of value it replaces."""
    if isinstance(current, bool):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"invalid value {what}={raw!r}: expected true or false")
    if isinstance(current, (int, float)):
        try:
            number = float(raw) if isinstance(current, float) else int(raw)
        except ValueError:
            kind = "a number" if isinstance(current, float) else "a whole number"
            raise ConfigError(f"invalid value {what}={raw!r}: expected {kind}") from None
        if number < 0:
            raise ConfigError(f"invalid value {what}={raw!r}: must not be negative")
        return number
    if isinstance(current, (dict, list)):
        raise ConfigError(f"invalid value {what}={raw!r}: that key holds a section or a list")
    return raw


def _services(values: Mapping[str, Any], env: str) -> dict[str, ServiceConfig]:
    services = {}
    for name, spec in values["services"].items():
        _expect_table(spec, f"services.{name}", env)
        service = ServiceConfig(
            name=name,
            url=str(spec.get("url", "")).rstrip("/"),
            health=str(spec.get("health", "/health")),
            command=tuple(str(part) for part in spec.get("command", ())),
            env={key: str(value) for key, value in spec.get("env", {}).items()},
            ports=tuple(spec.get("ports", ("http",))),
            image=str(spec.get("image", "")),
            build=spec.get("build", {}),
            volumes=tuple(str(volume) for volume in spec.get("volumes", ())),
            ready=spec.get("ready", {}),
            depends_on=tuple(str(other) for other in spec.get("depends_on", ())),
            openapi=str(spec.get("openapi", "")),
            contract=str(spec.get("contract", "report")),
        )
        if service.contract not in CONTRACT_MODES:
            raise ConfigError(
                f"services.{name}.contract = {service.contract!r} in config/{env}.toml: "
                f"write one of {', '.join(CONTRACT_MODES)}"
            )
        if not service.url and not service.command and not service.in_container:
            raise ConfigError(
                f"service {name!r} in config/{env}.toml needs a url (a running service), "
                "a command (a process the run starts) or an image or build (a container the run starts)"
            )
        for key in ("build", "ready"):
            _expect_table(spec.get(key, {}), f"services.{name}.{key}", env)
        unknown = [other for other in service.depends_on if other not in values["services"]]
        if unknown:
            raise ConfigError(f"service {name!r} in config/{env}.toml depends on unknown service(s) {unknown}")
        services[name] = service
    return services


def _databases(
    values: Mapping[str, Any],
    env: str,
    variables: Mapping[str, list[tuple[str, bool]]],
    sources: Mapping[str, str],
) -> dict[str, DatabaseConfig]:
    databases = {}
    for name, spec in values["databases"].items():
        _expect_table(spec, f"databases.{name}", env)
        key = f"databases.{name}.url"
        if not spec.get("url"):
            raise ConfigError(missing_key_message(key, env))
        origin = sources.get(key, f"config/{env}.toml")
        if origin == "-D":
            source = f"{key} from -D {key}=..."
        elif origin.startswith("environment"):
            source = f"{key} from environment variable {ENV_PREFIX}{key.upper().replace('.', '__')}"
        else:
            source = f"{key} in {origin}"
            for variable, is_set in variables.get(key, []):
                source += f", from {variable}" + (
                    "" if is_set else f" (not set: the file's default for {variable} was used)"
                )
        databases[name] = DatabaseConfig(name, str(spec["url"]), bool(spec.get("create", False)), source)
        _check_driver(name, databases[name].url, source)
    return databases


def _check_driver(name: str, url: str, source: str) -> None:
    """Before the first scenario: a URL whose driver is missing is refused with what to write instead."""
    from handoff.database.drivers import check_driver  # imports SQLAlchemy: only when a database is declared

    check_driver(name, url, source)


def _expect_table(spec: Any, key: str, env: str) -> None:
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{key} in config/{env}.toml must be a table, not {spec!r}")


def _freeze(node: Any) -> Any:
    if isinstance(node, dict):
        return MappingProxyType({key: _freeze(value) for key, value in node.items()})
    if isinstance(node, list):
        return tuple(_freeze(value) for value in node)
    return node
