"""The dbt project as Dagster assets; dbt's folders (staging, intermediate, marts) become groups."""

import json
import sys
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.resources import AuditSettings
from pipelines.settings import DBT_PROJECT_DIR


class AuditDbtTranslator(DagsterDbtTranslator):
    """Sources map onto the raw assets; a node's key and group come from its dbt folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            source, table = dbt_resource_props["source_name"], dbt_resource_props["name"]
            return dg.AssetKey(["raw", f"{source}__{table}"])
        return dg.AssetKey([layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return layer(dbt_resource_props)


def layer(dbt_resource_props: Mapping[str, Any]) -> str:
    """The node's top folder under models/ (staging, intermediate, marts), or its resource type."""
    if dbt_resource_props["resource_type"] == "model":
        return dbt_resource_props["fqn"][1]
    return f"{dbt_resource_props['resource_type']}s"


def dbt_vars(as_of: date) -> list[str]:
    """`--vars` of every dbt command: parsing with other vars forces dbt to parse all again."""
    return ["--vars", json.dumps({"as_of_date": as_of.isoformat()})]


def dbt_build_args(as_of: date) -> list[str]:
    """The dbt command of a refresh: build everything selected, as of the audit date.

    Unit tests check the SQL's logic, not the data, so CI runs them and refreshes skip them.
    """
    return ["build", *dbt_vars(as_of), "--exclude", "test_type:unit"]


def dbt_cli(project: DbtProject) -> DbtCliResource:
    """dbt from this interpreter's environment, found even when the virtualenv is not activated."""
    return DbtCliResource(
        project_dir=project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
    )


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR)


def prepare_manifest(project: DbtProject, as_of: date) -> None:
    """Parse the project when its manifest is missing or older than a file of the project.

    Called when definitions load, never at import, so a fresh clone works without a build step.
    """
    manifest = project.manifest_path
    sources = [
        path
        for folder in ("models", "macros", "seeds", "snapshots", "tests")
        for path in (project.project_dir / folder).rglob("*")
        if path.is_file()
    ] + [project.project_dir / "dbt_project.yml"]
    if manifest.exists() and manifest.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return
    dbt_cli(project).cli(
        ["parse", "--quiet", *dbt_vars(as_of)],
        target_path=project.project_dir / project.target_path,
    ).wait()


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=AuditDbtTranslator(),
        name="dbt_audit_models",
    )
    def audit_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, audit: AuditSettings
    ) -> Iterator[Any]:
        """Build the dbt models, seeds and tests of the audit as of the audit date."""
        # The project's own target folder, not one per run: dbt's partial parsing then saves
        # seconds on every refresh.
        yield from dbt.cli(
            dbt_build_args(audit.as_of),
            context=context,
            target_path=project.project_dir / project.target_path,
        ).stream()

    return audit_models
