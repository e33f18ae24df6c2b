"""Running a refresh outside the UI (CLI, demo, tests) and saying plainly what went wrong.

A refresh loads the usage events of a range of days (`pipelines.ingest.partitions`), chosen by
its mode: `full` re-reads `FULL_HISTORY`, `incremental` the audit date and the day before, `auto`
(the default) is full on a warehouse holding no usage events yet and incremental after that. A
backfill names its days itself.
"""

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TextIO

import dagster as dg
import duckdb

from connectors.registry import SOURCE_ENTITIES
from pipelines.automation.schedules import AS_OF_TAG, MODE_TAG, TRIGGER_TAG
from pipelines.ingest.landing import raw_table
from pipelines.ingest.partitions import DayRange, Mode, events_start, refresh_range
from pipelines.progress import StepProgress
from pipelines.settings import as_of_from_env, paths_from_env

RefreshMode = Literal["auto", "full", "incremental"]

# The CLI prints its own short account of failures; the full log goes to a file.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class RefreshOutcome:
    run_id: str
    published: bool
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_file: Path | None = None
    days: DayRange | None = None


def holds_usage_events(warehouse: Path) -> bool:
    """Whether any raw usage-event table of the warehouse has a row: the first refresh has none."""
    if not warehouse.exists():
        return False
    tables = [
        raw_table(source, entity)
        for source, entities in SOURCE_ENTITIES.items()
        for entity in entities
        if entity.kind == "events"
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        existing = {
            f"raw.{name}"
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        return any(
            con.execute(f"select exists (select 1 from {table})").fetchone() == (True,)
            for table in tables
            if table in existing
        )


def resolve_mode(mode: RefreshMode, warehouse: Path) -> Mode:
    """`auto` is full on a warehouse without usage events (the first refresh), else incremental."""
    if mode != "auto":
        return mode
    return "incremental" if holds_usage_events(warehouse) else "full"


def run_refresh(
    instance: dg.DagsterInstance,
    *,
    mode: RefreshMode = "auto",
    days: DayRange | None = None,
    log_dir: Path | None = None,
    progress: TextIO | None = None,
) -> RefreshOutcome:
    """Run the `audit_refresh` job in this process, as one run over a range of days of events.

    `days` (a backfill) overrides the range `mode` chooses. With `log_dir`, Dagster's and dbt's
    output goes to a file there instead of the terminal; with `progress`, a line per step start and
    end is written to it meanwhile.
    `published` is False when any step failed or a blocking check kept publication from running.
    """
    from pipelines.definitions import defs
    from pipelines.workers import start_dbt_server, start_gx_worker

    # great-expectations' import while this process loads the definitions, dbt's while it ingests:
    # each costs seconds of one core, and the machine may have two.
    start_gx_worker()
    job = defs().resolve_job_def("audit_refresh")
    start_dbt_server()
    as_of = as_of_from_env()
    if days is None:
        resolved = resolve_mode(mode, paths_from_env().warehouse)
        days = refresh_range(resolved, as_of, events_start())
    else:
        resolved = "backfill"
    tags = {**days.tags(), AS_OF_TAG: as_of.isoformat(), MODE_TAG: resolved, TRIGGER_TAG: "cli"}
    if progress is not None:
        progress.write(f"Usage events of {days} ({days.days} day(s), {resolved})\n")
        progress.flush()
    log_file = None
    run_id = str(uuid.uuid4())  # known before the run starts, so progress can follow it
    with contextlib.ExitStack() as stack:
        if progress is not None:
            stack.enter_context(StepProgress(instance, run_id, progress))
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_file = log_dir / f"refresh-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
            output = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(output))
            stack.enter_context(contextlib.redirect_stderr(output))
        result = job.execute_in_process(
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            run_config=QUIET_LOGS if log_dir is not None else {},
            tags=tags,
        )
    failures: list[str] = []
    warnings: list[str] = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        table = evaluation.asset_key.to_user_string()
        detail = evaluation.description or evaluation.check_name
        if evaluation.severity == dg.AssetCheckSeverity.WARN:
            warnings.append(f"Warning on {table}: {detail}")
        else:
            failures.append(f"Check failed on {table}:\n{detail}")
    for failure in result.get_step_failure_events():
        error = failure.step_failure_data.error
        cause = error.cause if error and error.cause else error
        message = cause.message.strip() if cause else "unknown error"
        failures.append(f"Step {failure.step_key} failed: {message}")
    published = any(
        event.asset_key.path[0] == "published"
        for event in result.get_asset_materialization_events()
    )
    return RefreshOutcome(
        run_id=result.run_id,
        published=result.success and published,
        failures=failures,
        warnings=warnings,
        log_file=log_file,
        days=days,
    )
