"""The file-drop sensor: a new business file in the inbox starts a refresh.

Each tick hands the inbox to `pipelines.automation.inbox` (which checks each file with the files
connector, installs the valid ones where the `files` source reads and refuses the others) and asks
for one refresh covering every file it loaded. One run per tick, not per file: two refreshes
cannot write the one warehouse at once, and the run reads all the files installed anyway.

The run key is the loaded files' names and content hashes, so Dagster never starts a second run
for the same files; the cursor remembers the last fingerprints loaded, so a re-delivered file is
archived without replacing anything. Should the daemon stop between installing a file and
starting its run, the file is in place and the next refresh loads it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg

from connectors.config import files_directory
from connectors.errors import ConfigError
from pipelines.automation.inbox import Folders, InboxOutcome, process_inbox
from pipelines.automation.schedules import MODE_TAG, TRIGGER_TAG
from pipelines.ingest.partitions import events_start, refresh_range
from pipelines.resources import SourcesResource
from pipelines.settings import Paths, as_of_from_env

ENABLED_ENV = "AUDIT_FILE_DROP_ENABLED"
FILES_TAG = "audit/dropped_files"
#: Fingerprints kept in the cursor: far more than files dropped between two refreshes.
CURSOR_SIZE = 1000


def read_cursor(cursor: str | None) -> list[str]:
    return list(json.loads(cursor)["loaded"]) if cursor else []


def write_cursor(loaded: list[str]) -> str:
    return json.dumps({"loaded": loaded[-CURSOR_SIZE:]})


def build_file_drop_sensor(
    paths: Paths,
    job_name: str,
    *,
    enabled: bool = False,
    settle_seconds: float = 10.0,
) -> dg.SensorDefinition:
    """The sensor watching `paths.inbox`.

    Stopped unless `enabled` (`AUDIT_FILE_DROP_ENABLED`): it moves files out of a folder people
    write to, which nobody should discover by surprise after opening the UI.
    """

    @dg.sensor(
        name="file_drop",
        job_name=job_name,
        minimum_interval_seconds=30,
        default_status=(
            dg.DefaultSensorStatus.RUNNING if enabled else dg.DefaultSensorStatus.STOPPED
        ),
        description=(
            f"Loads spend, contract, survey and objectives files dropped in {paths.inbox} and "
            f"refreshes the audit; refused files go to {paths.rejected} with their reason."
        ),
    )
    def file_drop(context: dg.SensorEvaluationContext, sources: SourcesResource) -> dg.SensorResult:
        try:
            config = sources.config("files")
        except ConfigError as error:
            return dg.SensorResult(skip_reason=f"The sources file is invalid: {error}")
        if config is None or config.type != "files":
            return dg.SensorResult(
                skip_reason="No `files` source is configured: dropped files have nowhere to go."
            )
        folders = Folders(paths.inbox, paths.archive, paths.rejected, files_directory(config))
        if folders.inbox.resolve() == folders.source.resolve():
            return dg.SensorResult(
                skip_reason=f"The inbox {folders.inbox} is the folder the files source reads: "
                "point AUDIT_INBOX_DIR elsewhere, or the sensor would archive the current files."
            )
        folders.inbox.mkdir(parents=True, exist_ok=True)
        loaded = read_cursor(context.cursor)
        outcome = process_inbox(folders, set(loaded), datetime.now(UTC), settle_seconds)
        log_outcome(context, outcome, folders)
        cursor = write_cursor(loaded + [dropped.fingerprint for dropped in outcome.loaded])
        if not outcome.loaded:
            return dg.SensorResult(skip_reason="No new valid file in the inbox.", cursor=cursor)
        # an incremental refresh as of the run's audit date: the usage events of that day and
        # the day before come along with the files
        days = refresh_range("incremental", as_of_from_env(), events_start())
        request = dg.RunRequest(
            run_key="+".join(sorted(dropped.fingerprint for dropped in outcome.loaded)),
            tags={
                TRIGGER_TAG: "file_drop",
                MODE_TAG: "incremental",
                FILES_TAG: ",".join(sorted({dropped.entity for dropped in outcome.loaded})),
                **days.tags(),
            },
        )
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return file_drop


def log_outcome(
    context: dg.SensorEvaluationContext, outcome: InboxOutcome, folders: Folders
) -> None:
    for dropped in outcome.loaded:
        context.log.info(f"{dropped.name}: valid {dropped.entity} file, now in {folders.source}")
    for dropped in outcome.duplicates:
        context.log.info(f"{dropped.name}: already loaded (same name and content), archived")
    for name, reason in outcome.rejected.items():
        context.log.warning(f"{name}: refused, moved to {folders.rejected}: {reason}")
    for name, reason in outcome.unreadable.items():
        context.log.warning(f"{name}: left in the inbox, could not be read ({reason})")
