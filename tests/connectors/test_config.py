"""The sources file: validated up front, every error naming the key at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.config import build_connector, load_sources
from connectors.errors import ConfigError
from connectors.files.reader import FilesConnector

VALID = """
sources:
  okta:
    type: okta
    base_url: https://acme.okta.com
    token_env: ACME_OKTA_TOKEN
    requests_per_minute: 300
    start_date: 2026-05-01
  files:
    type: files
    path: inbox
"""


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_is_loaded_and_relative_paths_resolve_beside_it(tmp_path: Path) -> None:
    sources = load_sources(write_config(tmp_path, VALID))

    assert sorted(sources) == ["files", "okta"]
    assert sources["okta"].option("requests_per_minute") == 300
    connector = build_connector(sources["files"], env={})
    assert isinstance(connector, FilesConnector)
    assert connector.directory == tmp_path / "inbox"


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        pytest.param("type: okta", "type: octa", "sources.okta.type", id="unknown-type"),
        pytest.param("token_env: ACME_OKTA_TOKEN", "", "sources.okta.token_env", id="required"),
        pytest.param(
            "requests_per_minute",
            "request_per_minute",
            "sources.okta.request_per_minute",
            id="typo",
        ),
        pytest.param("300", "fast", "sources.okta.requests_per_minute", id="not-a-number"),
        pytest.param("https://acme", "acme", "sources.okta.base_url", id="not-a-url"),
    ],
)
def test_a_bad_setting_is_named_by_its_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_sources(write_config(tmp_path, VALID.replace(old, new)))

    assert raised.value.key == key
    assert f"config key '{key}'" in str(raised.value)


def test_a_file_without_a_sources_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config key 'sources'"):
        load_sources(write_config(tmp_path, "sources: []"))


def test_a_missing_secret_names_the_variable(tmp_path: Path) -> None:
    sources = load_sources(write_config(tmp_path, VALID))

    with pytest.raises(ConfigError, match=r"ACME_OKTA_TOKEN.*environment variable is not set"):
        build_connector(sources["okta"], env={})


EVERY_SOURCE = """
sources:
  okta: {type: okta, base_url: "https://acme.okta.com", token_env: OKTA_TOKEN, page_size: 200}
  google: {type: google, subject: admin@acme.test, token_env: GOOGLE_TOKEN}
  servicenow: {type: servicenow, base_url: "https://acme.service-now.com", auth: basic}
  snipeit: {type: snipeit, base_url: "https://assets.acme.test", token_env: SNIPE_TOKEN}
  graph: {type: graph, tenant_id: t, client_id: c, secret_env: GRAPH_SECRET}
  files: {type: files, path: inbox}
"""
SECRETS = {
    "OKTA_TOKEN": "t1",
    "GOOGLE_TOKEN": "t2",
    "SERVICENOW_USERNAME": "svc",
    "SERVICENOW_PASSWORD": "pw",
    "SNIPE_TOKEN": "t3",
    "GRAPH_SECRET": "s4",
}


@pytest.mark.parametrize("source", ["okta", "graph", "google", "servicenow", "snipeit", "files"])
def test_each_source_type_builds_its_connector_from_the_environment(
    tmp_path: Path, source: str
) -> None:
    sources = load_sources(write_config(tmp_path, EVERY_SOURCE))

    connector = build_connector(sources[source], env=SECRETS)

    assert connector.source == source
    assert all(secret not in repr(connector) for secret in SECRETS.values())


def test_the_example_sources_file_in_the_repository_is_valid() -> None:
    example = Path(__file__).parents[2] / "config" / "sources.example.yml"

    sources = load_sources(example)

    assert sorted(sources) == ["files", "google", "graph", "okta", "servicenow", "snipeit"]
