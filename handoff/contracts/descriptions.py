"""A service's OpenAPI description: read once per run, from a file or from the service itself.

``openapi`` in a service's configuration is one of

* a path starting with ``/``: served by the service (``/openapi.json``), fetched after it is up
  (unless it names a file that exists: an absolute file path is a file);
* an ``http(s)://`` URL;
* a file path, relative to the project folder (``.yaml``, ``.yml`` or ``.json``).

openapi-core reads the document and checks it against the OpenAPI 3.0/3.1 schema
(openapi-spec-validator); a description that does not load or is not valid is a
configuration error naming the service, the source and the first problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
import yaml
from openapi_core import OpenAPI

from handoff.config.errors import ConfigError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class DescriptionError(ConfigError):
    """A service's OpenAPI description cannot be read or is not a valid OpenAPI document."""


def load_description(service: str, source: str, service_url: str, project_dir: Path, timeout: float) -> OpenAPI:
    """The description ``source`` names for ``service``, checked; raises :class:`DescriptionError`."""
    where = f"services.{service}.openapi = {source!r}"
    return checked(*_read(source, service_url, project_dir, timeout, where), where)


def read_description(source: str, timeout: float = 10.0) -> OpenAPI:
    """A description from a file or URL given on the command line (``handoff contracts diff``)."""
    return checked(*_read(source, "", Path.cwd(), timeout, source), source)


def checked(document: Any, base_uri: str, where: str) -> OpenAPI:
    """An OpenAPI document, checked; relative ``$ref`` s resolve from ``base_uri`` (its file or URL)."""
    if not isinstance(document, dict) or "openapi" not in document:
        raise DescriptionError(f"{where}: not an OpenAPI document (no 'openapi' version field)")
    try:
        return OpenAPI.from_dict(document, base_uri=base_uri)
    except Exception as error:  # openapi-spec-validator's errors: the document breaks the OpenAPI schema
        raise DescriptionError(f"{where}: not a valid OpenAPI description: {_first_line(error)}") from None


def operations(api: OpenAPI) -> dict[str, list[str]]:
    """Each operation of a description ("GET /orders/{id}") with the response statuses it declares."""
    found: dict[str, list[str]] = {}
    paths = api.spec / "paths"
    for path in paths.read_value():
        item = paths / path
        for method in HTTP_METHODS:
            if method in item:
                responses = (item / method / "responses").read_value()
                found[f"{method.upper()} {path}"] = [str(status) for status in responses]
    return found


def _read(source: str, service_url: str, project_dir: Path, timeout: float, where: str) -> tuple[Any, str]:
    """The parsed document, and where it came from (the base of its relative references)."""
    served = source.startswith("/") and service_url and not Path(source).is_file()  # an absolute file is a file
    if source.startswith(("http://", "https://")) or served:
        url = source if not source.startswith("/") else service_url.rstrip("/") + source
        try:
            with requests.Session() as session:
                session.trust_env = False
                answer = session.get(url, timeout=timeout)
        except requests.RequestException as error:
            raise DescriptionError(f"{where}: {url} does not answer ({type(error).__name__})") from None
        if answer.status_code != 200:
            raise DescriptionError(f"{where}: {url} answered HTTP {answer.status_code}")
        return _parse(answer.text, url, where), url
    path = (project_dir / source).resolve()
    if not path.is_file():
        raise DescriptionError(f"{where}: no such file {path} (a path is read from the project folder {project_dir})")
    return _parse(path.read_text(encoding="utf-8"), str(path), where), path.as_uri()


def _parse(text: str, origin: str, where: str) -> Any:
    try:
        return json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise DescriptionError(f"{where}: {origin} is neither JSON nor YAML: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
