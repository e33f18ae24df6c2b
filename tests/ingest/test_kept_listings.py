"""Okta's assignments and users are listed weekly, and the changes since are read daily.

Listing every application's users costs 37 minutes a day at Okta's rate limit for a 50,000-person
org. These tests run the Okta step through Dagster (`dg.materialize`) against a scripted connector
into a real DuckDB warehouse, and hold what the step reads and keeps: the listing is kept while
young, listed again when old, on a full refresh, or when raw holds none, and the changes are read
from the start of the listing raw holds, so they cover it whatever happens to a new listing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pytest
from dagster_duckdb import DuckDBResource

from connectors.base import Entity, Window
from connectors.config import SourceConfig
from connectors.errors import ConfigError
from connectors.okta.entities import APP_USER_CHANGES, APP_USERS, USER_CHANGES, USERS
from pipelines.automation.schedules import MODE_TAG
from pipelines.ingest.assets import build_source_assets
from pipelines.ingest.listings import plan_listing, relist_days
from pipelines.resources import AuditSettings

NO_RETRIES = dg.RetryPolicy(max_retries=0)
LISTING = "raw.okta__app_users"
CHANGES = "raw.okta__app_user_changes"
ASSIGNMENTS = (APP_USERS, APP_USER_CHANGES)


def assignment(user_id: str) -> dict:
    return {"app_id": "0oa1", "user_id": user_id, "scope": "USER", "status": "ACTIVE"}


def user(user_id: str, status: str = "ACTIVE") -> dict:
    return {"id": user_id, "status": status, "profile_email": f"{user_id}@example.com"}


def change(uuid: str, user_id: str, published: datetime) -> dict:
    return {
        "uuid": uuid,
        "published": published,
        "event_type": "application.user_membership.add",
        "app_id": "0oa1",
        "user_id": user_id,
        "outcome_result": "SUCCESS",
    }


@dataclass
class ScriptedOkta:
    """The `sources` resource and its connector: the org's assignments and changes, and what was
    asked of it (entity, window)."""

    assignments: list[dict] = field(default_factory=lambda: [assignment(f"u{i}") for i in range(4)])
    changes: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=lambda: [user(f"u{i}") for i in range(4)])
    changed_users: list[dict] = field(default_factory=list)
    relist_days: object = None
    asked: list[tuple[str, Window | None]] = field(default_factory=list)

    def config(self, source: str) -> SourceConfig:
        settings = {} if self.relist_days is None else {"relist_days": self.relist_days}
        return SourceConfig(name=source, type="okta", settings=settings, directory=Path())

    def connector(self, config: SourceConfig) -> ScriptedOkta:
        return self

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        self.asked.append((entity, window))
        if entity == APP_USERS.name:
            yield pa.RecordBatch.from_pylist(self.assignments, schema=APP_USERS.schema)
            return
        if entity == USERS.name:
            yield pa.RecordBatch.from_pylist(self.users, schema=USERS.schema)
            return
        assert window is not None, "the changes are read since a listing"
        if entity == USER_CHANGES.name:
            yield pa.RecordBatch.from_pylist(self.changed_users, schema=USER_CHANGES.schema)
            return
        rows = [c for c in self.changes if window.start <= c["published"] < window.end]
        yield pa.RecordBatch.from_pylist(rows, schema=APP_USER_CHANGES.schema)

    def entities_asked(self) -> list[str]:
        return [entity for entity, _ in self.asked]


def materialize(
    data_dir: Path,
    okta: ScriptedOkta,
    mode: str = "incremental",
    entities: tuple[Entity, ...] = ASSIGNMENTS,
) -> dg.ExecuteInProcessResult:
    """The Okta step for the listing and its changes, as a refresh of `mode` runs it."""
    okta.asked.clear()
    data_dir.mkdir(parents=True, exist_ok=True)
    return dg.materialize(
        [build_source_assets("okta", entities, NO_RETRIES)],
        tags={MODE_TAG: mode},
        resources={
            "audit": AuditSettings(data_dir=str(data_dir), as_of_date="2026-10-31"),
            "sources": okta,
            "warehouse": DuckDBResource(database=str(data_dir / "warehouse.duckdb")),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def run(
    data_dir: Path,
    okta: ScriptedOkta,
    mode: str = "incremental",
    entities: tuple[Entity, ...] = ASSIGNMENTS,
) -> dg.ExecuteInProcessResult:
    result = materialize(data_dir, okta, mode, entities)
    assert result.success
    return result


def query(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def listed_at(data_dir: Path) -> datetime:
    return query(data_dir, f"select max(_extracted_at) from {LISTING}")[0][0]


def age_listing(data_dir: Path, days: int) -> datetime:
    """Moves the listing raw holds `days` back in time; returns when it now began."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
        con.execute(f"update {LISTING} set _extracted_at = _extracted_at - to_days({days})")
    return listed_at(data_dir)


def test_a_first_load_lists_the_assignments_then_reads_the_changes_since(tmp_path):
    okta = ScriptedOkta()

    run(tmp_path, okta)

    assert okta.entities_asked() == ["app_users", "app_user_changes"]
    (_, changes_window) = okta.asked[1]
    assert changes_window is not None
    assert changes_window.start == listed_at(tmp_path)
    assert query(tmp_path, f"select count(*) from {LISTING}") == [(4,)]


def test_a_daily_run_keeps_a_young_listing_and_reads_every_change_since_it(tmp_path):
    # GIVEN a listing made two days ago, and changes made since, on both days
    okta = ScriptedOkta()
    run(tmp_path, okta)
    listed = age_listing(tmp_path, 2)
    okta.changes = [
        change("c0", "u9", listed - timedelta(hours=1)),  # already in the listing
        change("c1", "u5", listed + timedelta(hours=3)),
        change("c2", "u6", listed + timedelta(days=1, hours=3)),
    ]
    okta.assignments = [assignment("new-listing-should-not-be-read")]

    # WHEN the daily run comes
    result = run(tmp_path, okta)

    # THEN the assignments are not listed again: raw keeps the listing, and the changes read are
    # every one since the listing began (not only the run's two days)
    assert okta.entities_asked() == ["app_user_changes"]
    (_, window) = okta.asked[0]
    assert window is not None
    assert window.start == listed
    assert query(tmp_path, f"select count(*), max(_extracted_at) from {LISTING}") == [(4, listed)]
    assert query(tmp_path, f"select uuid from {CHANGES} order by uuid") == [("c1",), ("c2",)]
    kept = result.asset_materializations_for_node("extract_okta")
    metadata = {m.asset_key.path[-1]: m.metadata for m in kept}
    assert metadata["okta__app_users"]["relisted"].value is False
    assert metadata["okta__app_users"]["listed_at"].value == listed.isoformat()
    assert metadata["okta__app_users"]["dagster/row_count"].value == 4


def test_the_users_listing_is_kept_too_and_the_users_changed_since_it_are_read(tmp_path):
    # GIVEN both Okta listings made two days ago
    okta = ScriptedOkta()
    both = (USERS, USER_CHANGES, APP_USERS, APP_USER_CHANGES)
    run(tmp_path, okta, entities=both)
    assert okta.entities_asked() == ["users", "app_users", "user_changes", "app_user_changes"]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        for table in ("raw.okta__users", LISTING):
            con.execute(f"update {table} set _extracted_at = _extracted_at - to_days(2)")
    users_listed = query(tmp_path, "select max(_extracted_at) from raw.okta__users")[0][0]
    okta.users = [user("new-listing-should-not-be-read")]
    okta.changed_users = [user("u1", "DEPROVISIONED"), user("u7")]

    # WHEN the daily run comes
    run(tmp_path, okta, entities=both)

    # THEN neither listing is read again; the users changed since the users' listing are
    assert okta.entities_asked() == ["user_changes", "app_user_changes"]
    window = dict(okta.asked)["user_changes"]
    assert window is not None
    assert window.start == users_listed
    assert query(tmp_path, "select count(*) from raw.okta__users") == [(4,)]
    assert query(tmp_path, "select id, status from raw.okta__user_changes order by id") == [
        ("u1", "DEPROVISIONED"),
        ("u7", "ACTIVE"),
    ]


def test_a_listing_as_old_as_relist_days_is_listed_again_and_the_changes_still_cover_the_old_one(
    tmp_path,
):
    okta = ScriptedOkta(relist_days=3)
    run(tmp_path, okta)
    old = age_listing(tmp_path, 3)
    okta.assignments = [assignment(f"v{i}") for i in range(5)]

    run(tmp_path, okta)

    # the changes are read from the old listing on: had the new one been refused, raw would
    # keep the old one and need them all
    assert okta.entities_asked() == ["app_users", "app_user_changes"]
    (_, window) = okta.asked[1]
    assert window is not None
    assert window.start == old
    assert query(tmp_path, f"select count(*) from {LISTING}") == [(5,)]
    assert listed_at(tmp_path) > old


def test_a_full_refresh_lists_again_however_young_the_listing(tmp_path):
    okta = ScriptedOkta()
    run(tmp_path, okta)

    run(tmp_path, okta, mode="full")

    assert okta.entities_asked() == ["app_users", "app_user_changes"]


def test_a_refused_listing_leaves_the_old_one_and_the_changes_since_it(tmp_path):
    # GIVEN an old listing of four assignments, and a new listing of one (a volume drop the raw
    # gate refuses), with a change made since the old listing
    okta = ScriptedOkta()
    run(tmp_path, okta)
    old = age_listing(tmp_path, 10)
    okta.assignments = [assignment("u0")]
    okta.changes = [change("c1", "u7", old + timedelta(days=1))]

    # WHEN the run lists again, and the new listing is refused
    result = materialize(tmp_path, okta)

    # THEN the step fails, raw keeps the old listing, and the changes since it are landed: dbt
    # replays the change onto the listing raw holds
    assert not result.success
    assert query(tmp_path, f"select count(*), max(_extracted_at) from {LISTING}") == [(4, old)]
    assert query(tmp_path, f"select uuid from {CHANGES}") == [("c1",)]


def test_changes_fewer_than_before_are_not_refused_as_a_volume_drop(tmp_path):
    # GIVEN a week of changes landed against a listing, which is then listed again
    okta = ScriptedOkta(relist_days=7)
    run(tmp_path, okta)
    listed = age_listing(tmp_path, 6)
    okta.changes = [change(f"c{i}", f"u{i}", listed + timedelta(hours=i)) for i in range(6)]
    run(tmp_path, okta)
    assert query(tmp_path, f"select count(*) from {CHANGES}") == [(6,)]

    # WHEN the next listing starts the changes over: none since
    run(tmp_path, okta, mode="full")
    run(tmp_path, okta)

    # THEN the empty delivery of changes lands: fewer changes is the point, not a broken source
    assert query(tmp_path, f"select count(*) from {CHANGES}") == [(0,)]


@pytest.mark.parametrize(
    ("age", "full", "relist"),
    [
        pytest.param(timedelta(days=6, hours=23), False, False, id="young-kept"),
        pytest.param(timedelta(days=7), False, True, id="relist-days-old"),
        pytest.param(timedelta(hours=1), True, True, id="full-refresh"),
    ],
)
def test_the_plan_keeps_a_listing_only_while_younger_than_relist_days(age, full, relist):
    started = datetime(2026, 10, 31, 6)
    listed = started - age

    plan = plan_listing(listed, started=started, full=full, relist_days=7)

    assert plan.relist is relist
    assert plan.changes_since == listed
    assert plan.listed_at == listed


def test_with_no_listing_the_plan_lists_and_reads_the_changes_from_the_run_s_start():
    started = datetime(2026, 10, 31, 6)

    plan = plan_listing(None, started=started, full=False, relist_days=7)

    assert (plan.relist, plan.changes_since, plan.listed_at) == (True, started, None)


@pytest.mark.parametrize("value", [-1, 90, 7.5, "7", True], ids=repr)
def test_relist_days_outside_what_the_system_log_keeps_is_refused_naming_the_key(value):
    with pytest.raises(ConfigError) as err:
        relist_days("okta", value)

    assert str(err.value).startswith("[okta] config key 'relist_days': is ")


@pytest.mark.parametrize(("value", "days"), [(None, 7), (0, 0), (89, 89)])
def test_relist_days_defaults_to_a_week_and_takes_zero_to_89(value, days):
    assert relist_days("okta", value) == days


def test_a_bad_relist_days_fails_the_step_before_anything_is_read(tmp_path):
    okta = ScriptedOkta(relist_days=120)

    result = materialize(tmp_path, okta)

    assert not result.success
    assert okta.asked == []
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "config key 'relist_days': is 120" in str(failure.step_failure_data.error)
