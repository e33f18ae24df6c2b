"""One multi-asset per source: each entity of the source lands as `raw.<source>__<entity>`.

Inventories (snapshots) are unpartitioned and replaced at each load. Usage events are partitioned
by UTC day (`pipelines.ingest.partitions`): a run loads the window of its partition range, the
source's events are read once for the whole range, and the days of the window are replaced in raw.
"""

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from connectors.base import Entity, Window
from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.registry import SOURCE_DESCRIPTIONS, SOURCE_ENTITIES
from data_quality.results import SuiteResult
from data_quality.worker import Validation
from pipelines.automation.schedules import MODE_TAG
from pipelines.ingest.gate import (
    GateSettings,
    audit_delivery,
    blocked_message,
    freshness_check,
    keys_once,
    refuse_delivery,
    submit_audit,
    with_check,
)
from pipelines.ingest.landing import (
    checkpointed_once,
    ensure_table,
    listed_at,
    load_landing_file,
    raw_table,
    rows_landed,
    write_landing_file,
)
from pipelines.ingest.listings import ListingPlan, plan_listing, relist_days
from pipelines.ingest.partitions import clamp_window, event_partitions, events_start
from pipelines.ingest.quarantine import Where, quarantine_failures, quarantine_problems
from pipelines.resources import AuditSettings, SourcesResource
from pipelines.workers import start_gx_worker

#: A source still failing once its connector's own retries ran out (each request already waited
#: up to 5 minutes) is tried again whole after about 1, 3 and 7 minutes: long enough to outlast a
#: vendor's short outage or a rate-limit window, short enough that a daily refresh still finishes.
#: Permanent failures (`SourceError.permanent`) skip these retries.
INGEST_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def raw_asset_key(source: str, entity: Entity) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"{source}__{entity.name}"])


def raw_asset_spec(
    source: str, entity: Entity, partitions_def: dg.PartitionsDefinition | None
) -> dg.AssetSpec:
    """The raw table's asset; an events entity is partitioned by `partitions_def` when set."""
    key = raw_asset_key(source, entity)
    events = entity.kind == "events"
    by_day = " Partitioned by UTC day of the event time." if events and partitions_def else ""
    return dg.AssetSpec(
        key=key,
        group_name="raw",
        kinds={"duckdb"},
        description=f"`{entity.name}` from {SOURCE_DESCRIPTIONS[source]}.{by_day}",
        partitions_def=partitions_def if events else None,
        metadata={
            "dagster/table_name": f"raw.{key.path[-1]}",
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(field.name, str(field.type)) for field in entity.schema]
            ),
            "kind": entity.kind,
        },
    )


@dataclass(frozen=True)
class Delivery:
    """An entity extracted to its landing file, its raw audit running in the worker."""

    key: dg.AssetKey
    entity: Entity
    window: Window | None
    landing_file: Path
    rows: int
    validation: Validation[SuiteResult]


def build_source_assets(
    source: str,
    entities: Sequence[Entity],
    retry_policy: dg.RetryPolicy = INGEST_RETRY_POLICY,
    partitions_def: dg.PartitionsDefinition | None = None,
) -> dg.AssetsDefinition:
    """One step per source. Its events are partitioned by `partitions_def` (a range of days is one
    run, `BackfillPolicy.single_run`), by default from `AUDIT_EVENTS_START_DATE`; its inventories
    stay unpartitioned beside them."""
    by_key = {raw_asset_key(source, entity): entity for entity in entities}
    partitioned = any(entity.kind == "events" for entity in entities)
    if partitioned and partitions_def is None:
        partitions_def = event_partitions(events_start())
    options: dict[str, Any] = (
        {"backfill_policy": dg.BackfillPolicy.single_run()} if partitioned else {}
    )

    @dg.multi_asset(
        name=f"extract_{source}",
        specs=[raw_asset_spec(source, entity, partitions_def) for entity in entities],
        can_subset=True,
        retry_policy=retry_policy,
        **options,
    )
    def extract(
        context: dg.AssetExecutionContext,
        audit: AuditSettings,
        sources: SourcesResource,
        warehouse: DuckDBResource,
    ) -> Iterator[dg.MaterializeResult]:
        """Extract the source through its connector, check each entity's delivery against its
        raw suite, and land it in the raw schema only if every blocking check passed."""
        selected = sorted(context.selected_asset_keys, key=list(by_key).index)
        try:
            config = sources.config(source)
            connector = sources.connector(config) if config else None
            gate = GateSettings.from_env()
            keep_days = relist_days(source, config.option("relist_days")) if config else 0
        except (ConfigError, ValueError) as error:
            raise permanent_failure([str(error)]) from error
        if config is None or connector is None:
            # A company without this system: its raw tables exist, empty, so the models still build.
            context.log.warning(f"source '{source}' is not configured: its raw tables stay empty")
            with warehouse.get_connection() as con:
                for key in selected:
                    total = ensure_table(con, raw_table(source, by_key[key]), by_key[key])
                    yield dg.MaterializeResult(
                        asset_key=key, metadata={"configured": False, "dagster/row_count": total}
                    )
            return
        # Importing great-expectations takes seconds: let it overlap the HTTP extraction.
        start_gx_worker()
        extracted_at = datetime.now(UTC).replace(tzinfo=None)
        # Freshness is judged against the end of the audit date, whatever days the run loads.
        events_end = datetime.combine(audit.as_of + timedelta(days=1), time())
        start_date = config.option("start_date")
        window = None
        if any(by_key[key].kind == "events" for key in selected):
            # The source's own start (Entra keeps 30 days of sign-ins) bounds every window.
            earliest = datetime.combine(start_date, time()) if start_date else None
            window = clamp_window(partition_window(context), earliest)
        failures: list[SourceError] = []
        refused: list[str] = []

        def land(
            con: duckdb.DuckDBPyConnection, delivery: Delivery
        ) -> Iterator[dg.MaterializeResult]:
            """Load `delivery` if its audit passed (its materialization), else refuse it."""
            entity, key = delivery.entity, delivery.key
            table = raw_table(source, entity)
            where = Where(context.run_id, source, entity.name, table)
            result = audit_delivery(
                con,
                delivery.landing_file,
                source,
                entity,
                table,
                gate,
                delivery.window,
                delivery.validation,
            )
            if not result.success:
                kept = refuse_delivery(
                    delivery.landing_file,
                    audit.paths.quarantine / source / entity.name / f"{context.run_id}.parquet",
                )
                counts = quarantine_failures(con, where, result.checks)
                refused.append(blocked_message(result, kept))
                context.log.error(refused[-1])
                context.log.error(f"{table}: quarantined {dict(counts)}")
                context.log_event(
                    dg.AssetObservation(
                        asset_key=key,
                        metadata={
                            "refused": True,
                            "quarantine": dg.MetadataValue.json(dict(counts)),
                            "quarantined_file": dg.MetadataValue.path(str(kept)),
                        },
                    )
                )
                return
            inserted, total = load_landing_file(
                con, delivery.landing_file, table, entity, delivery.window, keys_once(result)
            )
            if delivery.window:
                result = with_check(
                    result, freshness_check(con, table, entity, events_end, gate.freshness_lag)
                )
            counts = quarantine_failures(con, where, result.failures)
            delivery.landing_file.unlink()
            for check in result.failures:
                context.log.warning(check.describe(table))
            context.log.info(
                f"{table}: extracted {delivery.rows} rows, {inserted} new, {total} in table;"
                f" {len(result.checks)} raw checks in {result.duration_s:.2f} s"
            )
            metadata = load_metadata(delivery.rows, inserted, total, delivery.window, counts)
            metadata["raw_checks_seconds"] = result.duration_s
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)

        auditing: deque[Delivery] = deque()

        def land_audited(
            con: duckdb.DuckDBPyConnection, *, wait: bool
        ) -> Iterator[dg.MaterializeResult]:
            """Land the deliveries whose audit is over, in extraction order (all with `wait`)."""
            while auditing and (wait or auditing[0].validation.done()):
                yield from land(con, auditing.popleft())

        # One connection for the step: opening the warehouse, and checkpointing it on close,
        # cost about 0.1 s each time, twice per entity. Steps run one at a time (in process).
        # The step's loads are checkpointed together, once they are all in.
        with warehouse.get_connection() as con, checkpointed_once(con):
            plans = listing_plans(
                con,
                source,
                [by_key[key] for key in selected],
                started=extracted_at,
                full=context.run.tags.get(MODE_TAG) == "full",
                relist_days=keep_days,
            )
            for key in extraction_order(con, source, selected, by_key):
                entity = by_key[key]
                table = raw_table(source, entity)
                where = Where(context.run_id, source, entity.name, table)
                entity_window = window if entity.kind == "events" else None
                plan = plans.get(entity.name)
                if plan and not plan.relist and not entity.replays_onto:
                    context.log.info(f"{table}: {plan.reason}")
                    yield dg.MaterializeResult(
                        asset_key=key, metadata=kept_listing_metadata(con, table, plan)
                    )
                    continue
                if plan and plan.relist and not entity.replays_onto:
                    context.log.info(f"{table}: listed again: {plan.reason}")
                read_window = entity_window
                if plan and entity.replays_onto:
                    read_window = Window(plan.changes_since, datetime.now(UTC).replace(tzinfo=None))
                landing_file = (
                    audit.paths.landing / source / entity.name / f"{context.run_id}.parquet"
                )
                try:
                    rows = write_landing_file(
                        connector.extract(entity.name, read_window),
                        entity,
                        landing_file,
                        source=source,
                        run_id=context.run_id,
                        extracted_at=extracted_at,
                    )
                except AuthenticationError as error:
                    # Every entity of the source uses one credential: stop at the first refusal,
                    # once the deliveries extracted before it are landed.
                    yield from land_audited(con, wait=True)
                    raise permanent_failure([str(error)]) from error
                except SourceError as error:
                    # The other entities still land; this one keeps its last good data.
                    if isinstance(error, RecordError):
                        counts = quarantine_problems(con, where, error.problems)
                        context.log.error(f"{table}: quarantined bad records {dict(counts)}")
                    context.log.error(f"{table} keeps its last good data: {error}")
                    failures.append(error)
                    continue
                except Exception:
                    # Anything else stops the source too, as it did before deliveries overlapped:
                    # the deliveries extracted before it still land.
                    yield from land_audited(con, wait=True)
                    raise
                validation = submit_audit(landing_file, source, entity)
                delivery = Delivery(key, entity, entity_window, landing_file, rows, validation)
                auditing.append(delivery)
                yield from land_audited(con, wait=False)
            yield from land_audited(con, wait=True)
        if refused or any(failure.permanent for failure in failures):
            raise permanent_failure(refused + [str(failure) for failure in failures])
        if failures:
            raise dg.Failure(
                "\n".join(str(failure) for failure in failures)
                + "\nTransient: Dagster retries the step with backoff while its policy allows."
            )

    return extract


def extraction_order(
    con: duckdb.DuckDBPyConnection,
    source: str,
    selected: Sequence[dg.AssetKey],
    by_key: Mapping[dg.AssetKey, Entity],
) -> list[dg.AssetKey]:
    """Events first, then the inventories by the rows raw holds of them, the largest first.

    A delivery is audited in the worker and loaded while the next entities are extracted; the
    step only waits for an audit once nothing is left to extract. So the longest audits and loads
    should come first: events, then the largest inventory. Extracted in declaration order, Okta's
    1.6 million assignments came last at the benchmark's largest scale, and their audit and load
    (2.5 s) overlapped nothing. Ties, and a first load, keep the declaration order. Changes
    replayed onto a listing come last: read after the listing, they cover the time it took.
    """
    rows = {
        key: rows_landed(con, raw_table(source, by_key[key]))
        for key in selected
        if by_key[key].kind != "events"
    }

    def rank(key: dg.AssetKey) -> tuple[bool, bool, int]:
        entity = by_key[key]
        return entity.kind != "events", entity.replays_onto is not None, -rows.get(key, 0)

    return sorted(selected, key=rank)


def listing_plans(
    con: duckdb.DuckDBPyConnection,
    source: str,
    entities: Sequence[Entity],
    *,
    started: datetime,
    full: bool,
    relist_days: int,
) -> dict[str, ListingPlan]:
    """The plan of each listing whose changes this run reads too, under both entities' names.

    A listing read without its changes (a run selecting it alone) has no plan: it is listed.
    """
    names = {entity.name: entity for entity in entities}
    plans: dict[str, ListingPlan] = {}
    for changes in entities:
        listing = names.get(changes.replays_onto or "")
        if listing is None:
            continue
        listed = listed_at(con, raw_table(source, listing))
        plan = plan_listing(listed, started=started, full=full, relist_days=relist_days)
        plans[listing.name] = plans[changes.name] = plan
    return plans


def kept_listing_metadata(
    con: duckdb.DuckDBPyConnection, table: str, plan: ListingPlan
) -> dict[str, object]:
    listed = plan.listed_at.isoformat() if plan.listed_at else None
    return {"dagster/row_count": rows_landed(con, table), "relisted": False, "listed_at": listed}


def load_metadata(
    rows: int, inserted: int, total: int, window: Window | None, warnings: Mapping[str, int]
) -> dict[str, object]:
    metadata: dict[str, object] = {
        "dagster/row_count": total,
        "rows_extracted": rows,
        "rows_inserted": inserted,
        "quarantine": dg.MetadataValue.json(dict(warnings)),
    }
    if window:
        metadata["window_start"] = window.start.isoformat()
        metadata["window_end"] = window.end.isoformat()
    return metadata


def partition_window(context: dg.AssetExecutionContext) -> Window:
    """The event-time window of the run's partition or range of partitions, naive UTC.

    Raises a permanent failure when the run has none: the events of which days to load is the
    run's choice (a refresh's mode, a backfill's range), never a guess of this step.
    """
    if not (context.has_partition_key or context.has_partition_key_range):
        raise permanent_failure(
            [
                "Usage events are loaded by day: run this step for a partition or a range of "
                "partitions (`software-audit refresh`, `software-audit backfill`, or pick the days "
                "in the UI)."
            ]
        )
    time_window = context.partition_time_window
    return Window(time_window.start, time_window.end).naive_utc()


def permanent_failure(errors: Sequence[str]) -> dg.Failure:
    """A failure Dagster does not retry: the same request would be refused, the same data again."""
    return dg.Failure(
        "\n".join(errors)
        + "\nNot retried: this needs a fix to the source's credentials, settings, file or data.",
        allow_retries=False,
    )


def build_ingest_assets(
    partitions_def: dg.PartitionsDefinition | None = None,
) -> list[dg.AssetsDefinition]:
    """Every source's assets, their usage events partitioned by `partitions_def` (by default the
    days from `AUDIT_EVENTS_START_DATE`)."""
    partitions_def = partitions_def or event_partitions(events_start())
    return [
        build_source_assets(source, entities, partitions_def=partitions_def)
        for source, entities in SOURCE_ENTITIES.items()
    ]
