"""The dbt project as Dagster assets; dbt's folders (staging, intermediate, marts) become groups.

The refresh builds dbt's models, seeds and snapshots here; dbt's data tests run in the quality gate
(pipelines/quality/dbt_tests.py), in parallel with the great-expectations suites, and block
publication of the marts downstream of a failing one. They are not mirrored as Dagster asset
checks one by one: each mirrored test costs three writes to the run history (planned, evaluated,
output), which for a few hundred tests was a third of a refresh.
"""

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from importlib.metadata import version as installed_version
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging import version

from pipelines.publish.report import warm_up_report_renderer
from pipelines.resources import AuditSettings
from pipelines.settings import DBT_PROJECT_DIR, DUCKDB_MEMORY_LIMIT_ENV, duckdb_memory_limit
from pipelines.transform import prefork


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


#: The audit date reaches dbt in this variable (macro `as_of_date`, which reads it only when dbt
#: executes), not in `--vars`: dbt parses the whole project again whenever its vars change, so
#: every new audit date cost a full parse (about 9 s); now a new date costs no parsing at all.
AS_OF_ENV = "AUDIT_DBT_AS_OF_DATE"


def dbt_env(as_of: date) -> dict[str, str]:
    """The environment a dbt command of the audit as of `as_of` needs besides this process's."""
    return {AS_OF_ENV: as_of.isoformat()}


@contextmanager
def audit_date_for_dbt(as_of: date) -> Iterator[None]:
    """Set the audit date in this process's environment while dagster-dbt starts dbt.

    dagster-dbt gives dbt a copy of this process's environment and takes no other; steps run one at
    a time, and the variable is restored as soon as dbt has started.
    """
    previous = os.environ.get(AS_OF_ENV)
    os.environ.update(dbt_env(as_of))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(AS_OF_ENV, None)
        else:
            os.environ[AS_OF_ENV] = previous


def dbt_build_args() -> list[str]:
    """The dbt command of a refresh: build every model, seed and snapshot.

    Data tests run in the quality gate, beside great-expectations. Unit tests check the SQL's
    logic, not the data: CI runs them (tests/models), refreshes do not. The audit date is in the
    environment (`audit_date_for_dbt`).
    """
    return [
        "build",
        # one argument: dagster-dbt appends its own selection after it
        "--exclude",
        "resource_type:test resource_type:unit_test",
    ]


#: dbt's own log file at debug level records every query of every node: a tenth of a refresh's
#: dbt time. Warnings and errors still reach it; the run's events are in Dagster's log.
DBT_GLOBAL_FLAGS = ["--log-level-file", "warn"]


def dbt_executable() -> str:
    """dbt from this interpreter's environment, found even when the virtualenv is not activated.

    On POSIX, the pre-forking dbt server's client: the same dbt, without its seconds of start-up
    once this process has started the server (`prefork.start`), and dbt itself until then.
    """
    return prefork.executable()


class AuditDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI without the two start-up costs this project never uses.

    Before each command dagster-dbt runs `dbt --version` in a subprocess and loads a dbt adapter in
    this process, together 3-5 CPU-seconds per refresh. The version is the installed dbt-core's,
    since the executable is this environment's own; the adapter only serves dagster-dbt's row-count
    and column metadata, which would open the warehouse read-only while dbt writes it (DuckDB
    refuses), so the pipeline measures its tables itself. Both hooks are private to dagster-dbt:
    tests/orchestration checks they still exist, so an upgrade that renames them fails loudly.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_cli(project: DbtProject) -> DbtCliResource:
    """The dbt resource of the refresh, with this environment's dbt."""
    return AuditDbtCli(
        project_dir=project, dbt_executable=dbt_executable(), global_config_flags=DBT_GLOBAL_FLAGS
    )


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR)


def prepare_manifest(project: DbtProject, *, for_this_warehouse: bool = False) -> None:
    """Parse the project when its manifest is missing or older than a file of the project.

    Called when definitions load, never at import, so a fresh clone works without a build step.
    `for_this_warehouse` parses whatever the manifest's age: dbt's saved parse state records the
    profile, whose warehouse path follows AUDIT_DATA_DIR, so a manifest parsed for another data
    folder makes the next dbt command parse the whole project again (about 9 s). dbt's partial
    parsing makes this parse cheap when nothing changed.
    """
    if not for_this_warehouse and _manifest_up_to_date(project):
        return
    # The audit date plays no part: dbt reads it only when it executes (macro `as_of_date`).
    dbt_cli(project).cli(
        ["parse", "--quiet"], target_path=project.project_dir / project.target_path
    ).wait()


def _manifest_up_to_date(project: DbtProject) -> bool:
    """The manifest exists and is no older than any file dbt parses."""
    manifest = project.manifest_path
    if not manifest.exists():
        return False
    sources = [
        path
        for folder in ("models", "macros", "seeds", "snapshots", "tests")
        for path in (project.project_dir / folder).rglob("*")
        if path.is_file()
    ] + [project.project_dir / "dbt_project.yml"]
    return manifest.stat().st_mtime >= max(p.stat().st_mtime for p in sources)


#: How much of each error dbt reports the run's failure quotes: DuckDB's errors go on with a
#: paragraph of advice the operator cannot follow as written (`SET memory_limit`).
MESSAGE_CHARS = 300


def run_summary(run_results: Mapping[str, Any]) -> str:
    """One line on a dbt run_results.json: nodes by type and status, and those that did not pass.

    e.g. "dbt: 40 model success, 1 seed success, 193 test pass, 1 test fail; not passed:
    test unique_applications_application_id (fail)".
    """
    results = run_results.get("results", [])
    counts = Counter((r["unique_id"].split(".")[0], r["status"]) for r in results)
    tallies = (f"{n} {kind} {status}" for (kind, status), n in sorted(counts.items()))
    line = "dbt: " + ", ".join(tallies)
    flagged = sorted(
        f"{r['unique_id'].split('.')[0]} {r['unique_id'].split('.')[2]} ({r['status']})"
        for r in results
        if r["status"] not in ("pass", "success")
    )
    return f"{line}; not passed: {', '.join(flagged)}" if flagged else line


def error_details(run_results: Mapping[str, Any]) -> list[str]:
    """What dbt said of each node that errored, one line each, so that the run's failure says why
    and not only which: "model x: Out of Memory Error: ...". A DuckDB out-of-memory error names the
    setting that raises the limit, the one thing the operator can change for that run."""
    details = []
    for result in run_results.get("results", []):
        if result["status"] not in ("error", "runtime error"):
            continue
        kind, _, name = result["unique_id"].split(".")[:3]
        message = " ".join((result.get("message") or "no message").split())
        detail = f"{kind} {name}: {message[:MESSAGE_CHARS]}"
        if "Out of Memory Error" in message:
            detail += (
                f" (DuckDB held {duckdb_memory_limit()}: set {DUCKDB_MEMORY_LIMIT_ENV} higher for "
                "this run, e.g. a backfill of many days of a large company)"
            )
        details.append(detail)
    return details


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=AuditDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=False)
        ),
        name="dbt_audit_models",
    )
    def audit_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, audit: AuditSettings
    ) -> Iterator[Any]:
        """Build the dbt models, seeds and snapshots of the audit as of the audit date."""
        # This process only relays dbt's events while dbt builds: time to get the quality
        # gate's report renderer ready, which the gate would pay with both cores busy.
        warm_up_report_renderer()
        # The project's own target folder, not one per run: dbt's partial parsing then saves
        # seconds on every refresh.
        with audit_date_for_dbt(audit.as_of):
            invocation = dbt.cli(
                dbt_build_args(),
                context=context,
                target_path=project.project_dir / project.target_path,
                raise_on_error=False,
            )
        for event in invocation.stream():
            # without asset checks, dagster-dbt reports each test as an observation: see above
            if not isinstance(event, dg.AssetObservation):
                yield event
        run_results = invocation.get_artifact("run_results.json")
        summary = run_summary(run_results)
        if not invocation.is_successful():
            raise dg.Failure(
                "\n".join([f"dbt build failed. {summary}", *error_details(run_results)])
            )
        context.log.info(summary)

    return audit_models
