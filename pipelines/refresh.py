"""Running a refresh outside the UI (CLI, demo, tests) and saying plainly what went wrong."""

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import dagster as dg

from pipelines.progress import StepProgress

# The CLI prints its own short account of failures; the full log goes to a file.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class RefreshOutcome:
    run_id: str
    published: bool
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_file: Path | None = None


def run_refresh(
    instance: dg.DagsterInstance, *, log_dir: Path | None = None, progress: TextIO | None = None
) -> RefreshOutcome:
    """Run the `audit_refresh` job in this process.

    With `log_dir`, Dagster's and dbt's output goes to a file there instead of the terminal; with
    `progress`, a line per step start and end is written to it meanwhile.
    `published` is False when any step failed or a blocking check kept publication from running.
    """
    from pipelines.definitions import defs
    from pipelines.workers import start_workers

    # While this process loads the definitions: each costs seconds of one core.
    start_workers()
    job = defs().resolve_job_def("audit_refresh")
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
    )
