"""The sources configuration: one YAML file saying where each source is and how to reach it.

Secrets are never in the file: a source names the environment variable that holds its secret,
and the variable is read only when the connector is built. Every problem names the key at fault.

    sources:
      okta:
        type: okta
        base_url: https://acme.okta.com
        token_env: OKTA_API_TOKEN
        requests_per_minute: 600
        start_date: 2026-05-01
      files:
        type: files
        path: ./business_files   # relative to this file
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from connectors.base import Connector
from connectors.errors import ConfigError

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class SourceConfig:
    """One source's validated settings; `directory` is where relative paths are resolved from."""

    name: str
    type: str
    settings: Mapping[str, Any]
    directory: Path

    def option(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


@dataclass(frozen=True)
class SourceType:
    """A kind of source: the settings it takes and the connector class that reads it.

    `connector` is "module:Class"; the class's `from_env(environ=..., **settings)` reads its
    secrets from the variables the settings name. `start_date` and `relist_days` are the
    pipeline's own settings.
    """

    connector: str
    required: Mapping[str, type]
    optional: Mapping[str, type] = field(default_factory=dict)

    def build(self, config: SourceConfig, env: Mapping[str, str]) -> Connector:
        module_name, class_name = self.connector.split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        settings = {
            key: value
            for key, value in config.settings.items()
            if key not in ("type", *PIPELINE_SETTINGS)
        }
        return cls.from_env(environ=env, **settings)


_PACING = {"page_size": int, "requests_per_minute": float}
#: Settings the pipeline reads (`pipelines.ingest`), not the connector: the first day of events
#: kept, and how many days a costly listing is kept with its changes replayed (Okta assignments).
PIPELINE_SETTINGS = ("start_date", "relist_days")

SOURCE_TYPES: dict[str, SourceType] = {
    "okta": SourceType(
        connector="connectors.okta.client:OktaConnector",
        required={"base_url": str, "token_env": str},
        optional={
            **_PACING,
            "log_page_size": int,
            "start_date": date,
            "relist_days": int,
        },
    ),
    "graph": SourceType(
        connector="connectors.graph.client:GraphConnector",
        required={"tenant_id": str, "client_id": str, "secret_env": str},
        optional={
            **_PACING,
            "graph_base_url": str,
            "authority": str,
            "sign_in_page_size": int,
            "sign_in_activity": bool,
            "sign_in_activity_requests_per_minute": float,
            "sign_ins_requests_per_minute": float,
            "start_date": date,
        },
    ),
    "google": SourceType(
        connector="connectors.google.client:GoogleWorkspaceConnector",
        required={},
        optional={
            **_PACING,
            "base_url": str,
            "subject": str,
            "key_env": str,
            "token_env": str,
            "token_url": str,
            "customer_id": str,
            "start_date": date,
        },
    ),
    "servicenow": SourceType(
        connector="connectors.servicenow.client:ServiceNowConnector",
        required={"base_url": str},
        optional={
            **_PACING,
            "auth": str,
            "username_env": str,
            "password_env": str,
            "token_env": str,
            "extra_fields": dict,
        },
    ),
    "snipeit": SourceType(
        connector="connectors.snipeit.client:SnipeItConnector",
        required={"base_url": str, "token_env": str},
        optional={**_PACING, "timezone": str},
    ),
    "files": SourceType(connector="connectors.files.reader:FilesConnector", required={"path": str}),
}


def load_sources(path: Path) -> dict[str, SourceConfig]:
    """Read and validate the sources file. Raises `ConfigError` naming the offending key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("config", str(path), "sources file not found")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError("config", str(path), f"not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("sources"), dict):
        raise ConfigError("config", "sources", "the file must have a 'sources' mapping")
    return {
        name: _validate(name, settings, path.parent.resolve())
        for name, settings in document["sources"].items()
    }


def _validate(name: str, settings: Any, directory: Path) -> SourceConfig:
    if not isinstance(name, str) or not SOURCE_NAME.match(name):
        raise ConfigError(str(name), f"sources.{name}", "use lower-case letters, digits and _")
    if not isinstance(settings, dict):
        raise ConfigError(name, f"sources.{name}", "must be a mapping of settings")
    kind = settings.get("type")
    if kind not in SOURCE_TYPES:
        raise ConfigError(
            name, f"sources.{name}.type", f"{kind!r} is not one of {sorted(SOURCE_TYPES)}"
        )
    spec = SOURCE_TYPES[kind]
    allowed = {"type", *spec.required, *spec.optional}
    for key in settings:
        if key not in allowed:
            raise ConfigError(
                name, f"sources.{name}.{key}", f"unknown setting; allowed: {sorted(allowed)}"
            )
    for key in spec.required:
        if key not in settings or settings[key] in (None, ""):
            raise ConfigError(name, f"sources.{name}.{key}", "is required")
    for key, expected in {**spec.required, **spec.optional}.items():
        if key in settings and not _is(settings[key], expected):
            got = settings[key]
            raise ConfigError(
                name, f"sources.{name}.{key}", f"must be a {expected.__name__}, got {got!r}"
            )
    if "base_url" in settings:
        url = urlparse(settings["base_url"])
        if url.scheme not in ("https", "http") or not url.netloc:
            raise ConfigError(name, f"sources.{name}.base_url", "must be an http(s) URL")
    return SourceConfig(name=name, type=kind, settings=dict(settings), directory=directory)


def _is(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def build_connector(config: SourceConfig, env: Mapping[str, str] | None = None) -> Connector:
    """The connector for a configured source; reads its secrets from `env` (default os.environ).

    Raises `ConfigError` naming the variable when a secret is not set.
    """
    if config.type == "files":
        from connectors.files.reader import FilesConnector

        return FilesConnector(files_directory(config), source=config.name)
    return SOURCE_TYPES[config.type].build(config, os.environ if env is None else env)


def files_directory(config: SourceConfig) -> Path:
    """The folder a `files` source reads, its `path` resolved from the sources file's folder."""
    if config.type != "files":
        raise ConfigError(config.name, f"sources.{config.name}.type", "is not a files source")
    return config.directory / config.settings["path"]
