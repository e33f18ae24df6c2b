"""When the dbt project is parsed before a refresh.

GIVEN a project whose manifest is newer than every file dbt reads, WHEN definitions load, THEN
dbt is not run; WHEN a file changes, or `software-audit prepare` asks for this data folder, THEN
`dbt parse` runs: dbt's saved parse state records the warehouse path, so a manifest parsed for
another data folder would make the refresh parse the whole project again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.transform import dbt as transform


@dataclass(frozen=True)
class Project:
    """The parts of a dagster-dbt `DbtProject` that `prepare_manifest` reads."""

    project_dir: Path
    target_path: Path = Path("target")

    @property
    def manifest_path(self) -> Path:
        return self.project_dir / self.target_path / "manifest.json"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The dbt commands `prepare_manifest` runs, recorded instead of run."""
    commands: list[list[str]] = []

    class Invocation:
        def wait(self) -> None:
            return None

    class Cli:
        def cli(self, args: list[str], target_path: Path) -> Invocation:
            commands.append(list(args))
            return Invocation()

    monkeypatch.setattr(transform, "dbt_cli", lambda project: Cli())
    return commands


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a_model.sql").write_text("select 1 as one")
    (tmp_path / "dbt_project.yml").write_text("name: check\n")
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    for path, age_s in (
        (tmp_path / "models" / "a_model.sql", 60),
        (tmp_path / "dbt_project.yml", 60),
    ):
        os.utime(path, (manifest.stat().st_mtime - age_s,) * 2)
    return Project(tmp_path)


def test_an_up_to_date_manifest_is_not_parsed_again_when_definitions_load(
    project: Project, parses: list[list[str]]
) -> None:
    transform.prepare_manifest(project)
    assert parses == []


def test_a_changed_model_or_a_missing_manifest_is_parsed(
    project: Project, parses: list[list[str]]
) -> None:
    model = project.project_dir / "models" / "a_model.sql"
    os.utime(model, (project.manifest_path.stat().st_mtime + 5,) * 2)
    transform.prepare_manifest(project)
    project.manifest_path.unlink()
    transform.prepare_manifest(project)
    assert parses == [["parse", "--quiet"], ["parse", "--quiet"]]


def test_prepare_parses_for_this_warehouse_even_when_the_manifest_is_up_to_date(
    project: Project, parses: list[list[str]]
) -> None:
    transform.prepare_manifest(project, for_this_warehouse=True)
    assert parses == [["parse", "--quiet"]]
