"""The demo's sample company served from a process of its own, as a real company's systems are."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
import requests
import yaml

from pipelines.sample import SECRET_ENVS, serve_sample_company_apart


def test_the_server_serves_the_company_while_the_demo_loads_its_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SECRET_ENVS.values():
        monkeypatch.setenv(name, "")  # the server's secrets land here: restored after the test
    steps: list[str] = []

    def load_pipeline() -> None:
        # still generating: the server writes the sources file just before it says it is ready
        steps.append("sources file written" if (tmp_path / "sources.yml").exists() else "loaded")

    with serve_sample_company_apart(
        tmp_path, scale="tiny", seed=7, meanwhile=load_pipeline
    ) as sample:
        steps.append("company served")
        okta = yaml.safe_load(sample.sources_config.read_text(encoding="utf-8"))["sources"]["okta"]
        token = os.environ[okta["token_env"]]
        users = requests.get(
            f"{okta['base_url']}/api/v1/users",
            params={"limit": 2},
            headers={"Authorization": f"SSWS {token}", "Accept": "application/json"},
            timeout=10,
        )
        refused = requests.get(
            f"{okta['base_url']}/api/v1/users",
            headers={"Authorization": "SSWS not-the-token"},
            timeout=10,
        )
        # its logs cannot be held back from here: refused, not silently ignored
        with pytest.raises(RuntimeError, match="another process"):
            sample.log_until(datetime(2026, 10, 30, 6))

    assert steps == ["loaded", "company served"]  # loaded while the company was generated
    assert token, "the session's Okta token reaches this process's environment"
    assert users.status_code == 200
    assert len(users.json()) == 2
    assert refused.status_code == 401
    assert refused.json()["errorCode"] == "E0000011"
    with pytest.raises(requests.ConnectionError):  # the server ended with the context
        requests.get(f"{okta['base_url']}/api/v1/users", timeout=2)
