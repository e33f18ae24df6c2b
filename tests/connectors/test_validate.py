"""`software-audit validate`: a sources file checked offline, naming what is wrong and where."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import sample_company
from pipelines.cli import main
from sample_company.files import write_files

TOKEN = "s3cret-okta-token-value"


@pytest.fixture(scope="module")
def company() -> sample_company.Company:
    return sample_company.generate("tiny", seed=7)


@pytest.fixture
def config(tmp_path: Path, company: sample_company.Company, monkeypatch) -> Path:
    write_files(company, tmp_path / "business_files")
    monkeypatch.setenv("AUDIT_TEST_OKTA_TOKEN", TOKEN)
    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n"
        "  okta:\n"
        "    type: okta\n"
        "    base_url: https://larkspur.okta.example\n"
        "    token_env: AUDIT_TEST_OKTA_TOKEN\n"
        "  files:\n"
        "    type: files\n"
        "    path: ./business_files\n",
        encoding="utf-8",
    )
    return path


def test_a_sound_configuration_passes_and_never_shows_a_secret(config: Path, capsys) -> None:
    assert main(["validate", "--config", str(config)]) == 0

    out = capsys.readouterr().out
    assert "ok   okta: okta: settings valid, credentials set" in out
    contracts = sum(
        1 for _ in csv.DictReader((config.parent / "business_files/contracts.csv").open())
    )
    assert f"contracts {contracts}" in out
    assert TOKEN not in out


def test_a_missing_secret_is_named_by_its_variable(config: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("AUDIT_TEST_OKTA_TOKEN")

    assert main(["validate", "--config", str(config)]) == 1

    out = capsys.readouterr().out
    assert "FAIL okta:" in out
    assert "AUDIT_TEST_OKTA_TOKEN" in out
    assert "ok   files:" in out


def test_a_bad_record_in_a_business_file_names_the_file_line_and_field(
    config: Path, capsys
) -> None:
    contracts = config.parent / "business_files" / "contracts.csv"
    rows = list(csv.DictReader(contracts.open(newline="", encoding="utf-8")))
    rows[1]["seats"] = "twelve"
    with contracts.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    assert main(["validate", "--config", str(config)]) == 1

    line = next(line for line in capsys.readouterr().out.splitlines() if "files" in line)
    assert line.startswith("FAIL files:")
    assert "contracts.csv" in line
    assert "line 3" in line
    assert "'seats'" in line


def test_an_unreadable_sources_file_is_one_failure(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--config", str(tmp_path / "missing.yml")]) == 1

    assert "sources file not found" in capsys.readouterr().out
