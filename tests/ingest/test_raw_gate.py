"""The raw gate: a delivery failing a blocking check never reaches its raw table.

Each test lands the sample company's business files once (the previous good load), corrupts one
file the way a real export goes wrong, extracts again and checks four things: the step fails naming
the table, the expectation and the rows; raw still holds the previous load; quarantine.rows holds
the offending rows with the reason; the refused landing file sits whole in the quarantine folder.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster_duckdb import DuckDBResource

import sample_company
from connectors.base import Entity, Window
from connectors.config import SourceConfig
from connectors.okta.entities import APPS, SSO_EVENTS
from connectors.registry import SOURCE_ENTITIES
from pipelines.ingest.assets import build_source_assets
from pipelines.ingest.gate import GateSettings, audit_delivery, keys_once
from pipelines.ingest.landing import write_landing_file
from pipelines.ingest.partitions import DayRange
from pipelines.ingest.quarantine import reason_counts
from pipelines.resources import AuditSettings, SourcesResource
from pipelines.settings import Paths
from sample_company.files import write_files

NO_RETRIES = dg.RetryPolicy(max_retries=0)
CONTRACTS = dg.AssetKey(["raw", "files__contracts"])


@pytest.fixture(scope="session")
def company_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("company") / "files"
    write_files(sample_company.generate("tiny", seed=7), folder)
    return folder


@dataclass
class Business:
    """A data folder and the business's files folder, as the `files` source reads them."""

    root: Path

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def paths(self) -> Paths:
        return Paths(self.root / "data")

    def extract(
        self, key: dg.AssetKey = CONTRACTS, env: dict[str, str] | None = None
    ) -> dg.ExecuteInProcessResult:
        config = self.root / "sources.yml"
        config.write_text("sources:\n  files: {type: files, path: files}\n")
        with pytest.MonkeyPatch.context() as patch:
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            return materialize(
                build_source_assets("files", SOURCE_ENTITIES["files"], NO_RETRIES),
                SourcesResource(config_path=str(config)),
                self.paths,
                [key],
            )

    def rewrite(self, name: str, change: Callable[[list[dict[str, str]]], list[dict]]) -> None:
        path = self.files / name
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(change(rows))

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.paths.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    def quarantined(self) -> list[dict]:
        rows = self.query(
            "select check_name, reason, blocking, record, raw_table from quarantine.rows"
        )
        return [
            {"check": c, "reason": r, "blocking": b, "record": json.loads(rec), "table": t}
            for c, r, b, rec, t in rows
        ]


def materialize(
    assets: dg.AssetsDefinition,
    sources: object,
    paths: Paths,
    keys: list[dg.AssetKey],
    tags: dict[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return dg.materialize(
        [assets],
        selection=keys,
        tags=tags,
        resources={
            "audit": AuditSettings(data_dir=str(paths.data_dir), as_of_date="2026-10-31"),
            "sources": sources,
            "warehouse": DuckDBResource(database=str(paths.warehouse)),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    [failure] = result.get_step_failure_events()
    return failure.step_failure_data.user_failure_data.description


@pytest.fixture
def business(company_files: Path, tmp_path: Path) -> Business:
    """The sample company's files, loaded once into raw: the last good data."""
    shutil.copytree(company_files, tmp_path / "files")
    business = Business(tmp_path)
    assert business.extract().success
    return business


def contract_ids(business: Business) -> list[str]:
    rows = business.query("select contract_id from raw.files__contracts order by contract_id")
    return [contract_id for (contract_id,) in rows]


def set_field(contract_ids: set[str], field: str, value: str) -> Callable:
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["contract_id"] in contract_ids:
                row[field] = value
        return rows

    return change


def assert_refused(business: Business, result: dg.ExecuteInProcessResult, before: list[str]):
    """Raw unchanged, and the delivery kept whole in the quarantine folder."""
    assert not result.success
    assert contract_ids(business) == before
    folder = business.paths.quarantine / "files" / "contracts"
    [kept] = folder.glob("*.parquet")
    assert kept.name == f"{result.run_id}.parquet"
    assert not list((business.paths.landing / "files" / "contracts").glob("*.parquet"))
    return pq.read_table(kept)


def test_negative_seats_are_refused_and_quarantined(business: Business) -> None:
    before = contract_ids(business)
    business.rewrite("contracts.csv", set_field({"CTR-00002", "CTR-00005"}, "seats", "-5"))

    result = business.extract()

    kept = assert_refused(business, result, before)
    assert kept.num_rows == len(before)
    message = failure_message(result)
    assert "raw.files__contracts: 1 blocking check(s) failed" in message
    assert f"seats_non_negative (expect_column_values_to_be_between): 2 of {len(before)}" in message
    assert "CTR-00002" in message
    assert "Not retried" in message
    quarantined = business.quarantined()
    assert {row["record"]["contract_id"] for row in quarantined} == {"CTR-00002", "CTR-00005"}
    assert {row["check"] for row in quarantined} == {"seats_non_negative"}
    assert all(row["blocking"] and row["table"] == "raw.files__contracts" for row in quarantined)
    assert quarantined[0]["reason"].startswith("seats_non_negative: A negative seat")
    assert quarantined[0]["record"]["seats"] == -5


def test_a_negative_unit_price_is_refused(business: Business) -> None:
    before = contract_ids(business)
    business.rewrite("contracts.csv", set_field({"CTR-00003"}, "unit_price", "-1.5"))

    result = business.extract()

    assert_refused(business, result, before)
    assert "unit_price_non_negative" in failure_message(result)
    [row] = business.quarantined()
    assert row["record"]["contract_id"] == "CTR-00003"


def test_a_duplicated_contract_id_is_refused(business: Business) -> None:
    before = contract_ids(business)
    business.rewrite("contracts.csv", lambda rows: [*rows, {**rows[0], "seats": "999"}])

    result = business.extract()

    assert_refused(business, result, before)
    message = failure_message(result)
    assert "key_unique (expect_column_values_to_be_unique)" in message
    assert before[0] in message
    assert [row["record"] for row in business.quarantined()] == [
        {"value": before[0]},
        {"value": before[0]},
    ]


@pytest.mark.parametrize("kept_rows", [0, 10], ids=["to zero", "to under half"])
def test_a_snapshot_shrinking_to_under_half_is_refused(business: Business, kept_rows: int) -> None:
    before = contract_ids(business)
    business.rewrite("contracts.csv", lambda rows: rows[:kept_rows])

    result = business.extract()

    assert_refused(business, result, before)
    message = failure_message(result)
    assert "volume_not_dropped (row_count_at_least_share_of_raw)" in message
    assert f"'rows_delivered': {kept_rows}, 'rows_in_raw': {len(before)}" in message
    [row] = business.quarantined()
    assert row["check"] == "volume_not_dropped"
    assert row["record"]["observed"] == {"rows_delivered": kept_rows, "rows_in_raw": len(before)}


def test_the_volume_share_is_configurable(business: Business) -> None:
    business.rewrite("contracts.csv", lambda rows: rows[:10])

    result = business.extract(env={"AUDIT_MIN_VOLUME_RATIO": "0.2"})

    assert result.success
    assert len(contract_ids(business)) == 10


def test_a_connectors_bad_records_land_in_quarantine(business: Business) -> None:
    before = contract_ids(business)
    business.rewrite("contracts.csv", set_field({"CTR-00004"}, "seats", "many"))

    result = business.extract()

    assert not result.success
    assert contract_ids(business) == before
    [row] = business.quarantined()
    assert row["check"] == "record_error:seats"
    assert row["record"]["field"] == "seats"
    assert "many" in row["reason"]
    assert row["blocking"]


def test_other_entities_still_load_when_one_is_refused(business: Business) -> None:
    business.rewrite("contracts.csv", set_field({"CTR-00002"}, "seats", "-5"))
    spend = dg.AssetKey(["raw", "files__spend"])

    config = business.root / "sources.yml"
    result = materialize(
        build_source_assets("files", SOURCE_ENTITIES["files"], NO_RETRIES),
        SourcesResource(config_path=str(config)),
        business.paths,
        [CONTRACTS, spend],
    )

    assert not result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [spend]
    assert business.query("select count(*) from raw.files__spend")[0][0] > 0


# --- A source whose records come from a script: a null key, a warning, a stale event feed ---


@dataclass
class ScriptedOkta:
    """Stands in for the `sources` resource: Okta delivering the given records of each entity."""

    records: dict[str, list[dict]]

    def config(self, source: str) -> SourceConfig:
        return SourceConfig(name=source, type="okta", settings={}, directory=Path())

    def connector(self, config: SourceConfig) -> ScriptedOkta:
        return self

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        schema = {APPS.name: APPS.schema, SSO_EVENTS.name: SSO_EVENTS.schema}[entity]
        yield pa.RecordBatch.from_pylist(self.records[entity], schema=schema)


def okta_app(app_id: str | None, status: str = "ACTIVE") -> dict:
    return {"id": app_id, "name": "slack", "label": "Slack", "status": status}


def extract_okta(tmp_path: Path, entity: Entity, records: list[dict]) -> dg.ExecuteInProcessResult:
    return materialize(
        build_source_assets("okta", [entity], NO_RETRIES),
        ScriptedOkta({entity.name: records}),
        Paths(tmp_path),
        [dg.AssetKey(["raw", f"okta__{entity.name}"])],
        # events are loaded by day: the month up to the audit date
        DayRange(date(2026, 10, 1), date(2026, 10, 31)).tags() if entity.kind == "events" else None,
    )


def test_a_null_key_is_refused(tmp_path: Path) -> None:
    assert extract_okta(tmp_path, APPS, [okta_app("0oa1"), okta_app("0oa2")]).success

    result = extract_okta(tmp_path, APPS, [okta_app("0oa1"), okta_app(None), okta_app("0oa3")])

    assert not result.success
    message = failure_message(result)
    assert "raw.okta__apps: 1 blocking check(s) failed; id_not_null" in message
    assert "1 of 3 rows" in message
    with duckdb.connect(str(Paths(tmp_path).warehouse), read_only=True) as con:
        assert con.execute("select id from raw.okta__apps order by id").fetchall() == [
            ("0oa1",),
            ("0oa2",),
        ]
        [(check, blocking)] = con.execute(
            "select check_name, blocking from quarantine.rows"
        ).fetchall()
    assert (check, blocking) == ("id_not_null", True)
    assert (Paths(tmp_path).quarantine / "okta" / "apps" / f"{result.run_id}.parquet").exists()


def test_a_warning_is_recorded_and_does_not_block(tmp_path: Path) -> None:
    result = extract_okta(tmp_path, APPS, [okta_app("0oa1"), okta_app("0oa2", "PENDING")])

    assert result.success
    [materialization] = result.asset_materializations_for_node("extract_okta")
    assert materialization.metadata["quarantine"].value == {"status_accepted": 1}
    with duckdb.connect(str(Paths(tmp_path).warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.okta__apps").fetchone() == (2,)
        row = con.execute("select check_name, blocking, record from quarantine.rows").fetchone()
    assert row[:2] == ("status_accepted", False)
    assert json.loads(row[2]) == {"status": "PENDING", "id": "0oa2"}


def test_a_stale_event_feed_warns_and_still_loads(tmp_path: Path) -> None:
    # The audit date is 2026-10-31: the newest sign-in is a week before its end.
    stale = datetime(2026, 10, 25)
    events = [{"uuid": f"e{n}", "published": stale - timedelta(hours=n)} for n in range(3)]

    result = extract_okta(tmp_path, SSO_EVENTS, events)

    assert result.success
    # one materialization per day of the range, each describing the range's load
    materialization, *_ = result.asset_materializations_for_node("extract_okta")
    assert materialization.metadata["dagster/row_count"].value == 3
    assert materialization.metadata["quarantine"].value == {"newest_event_fresh": 1}


def test_a_delivery_missing_a_column_is_refused(tmp_path: Path) -> None:
    # GIVEN a landing file written by an older connector, without the `status` column
    entity = Entity(APPS.name, APPS.schema.remove(APPS.schema.get_field_index("status")), APPS.key)
    landing = tmp_path / "apps.parquet"
    batch = pa.RecordBatch.from_pylist([{"id": "0oa1"}], schema=entity.schema)
    write_landing_file(
        [batch], entity, landing, source="okta", run_id="r", extracted_at=datetime.now()
    )

    with duckdb.connect() as con:
        result = audit_delivery(con, landing, "okta", APPS, "raw.okta__apps", GateSettings())

    assert not result.success
    [schema] = [c for c in result.blocking_failures if c.name == "columns_match_schema"]
    assert "status" not in schema.details["observed_value"]
    assert "id" in schema.details["observed_value"]


def test_quarantine_counts_per_reason_cover_the_last_runs(business: Business) -> None:
    business.rewrite("contracts.csv", set_field({"CTR-00002", "CTR-00005"}, "seats", "-5"))
    first = business.extract()
    second = business.extract()

    with duckdb.connect(str(business.paths.warehouse), read_only=True) as con:
        counts = reason_counts(con, runs=1)

    assert not first.success
    assert not second.success
    assert [(c["run_id"], c["raw_table"], c["check_name"], c["row_count"]) for c in counts] == [
        (second.run_id, "raw.files__contracts", "seats_non_negative", 2)
    ]


def test_an_events_redelivery_shrinking_its_days_is_refused(tmp_path: Path) -> None:
    # GIVEN four sign-ins landed for October
    day = datetime(2026, 10, 20)
    events = [{"uuid": f"e{n}", "published": day + timedelta(hours=n)} for n in range(4)]
    assert extract_okta(tmp_path, SSO_EVENTS, events).success

    # WHEN the same days are delivered again with one of them (a broken export, not fewer logins)
    result = extract_okta(tmp_path, SSO_EVENTS, events[:1])

    # THEN the delivery is refused against the rows of its days, and raw keeps the four
    assert not result.success
    assert "volume_not_dropped" in failure_message(result)
    with duckdb.connect(str(Paths(tmp_path).warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.okta__sso_events").fetchone() == (4,)


@pytest.mark.parametrize("copied", [False, True], ids=["keys-once", "an-event-read-twice"])
def test_the_load_is_spared_looking_for_copies_only_when_the_audit_saw_every_key_once(
    tmp_path: Path, copied: bool
) -> None:
    # GIVEN four sign-ins, the first read twice where two pages meet in one delivery
    day = datetime(2026, 10, 20)
    events = [{"uuid": f"e{n}", "published": day + timedelta(hours=n)} for n in range(4)]
    delivered = [*events, dict(events[0])] if copied else events
    landing = tmp_path / "sso_events.parquet"
    batch = pa.RecordBatch.from_pylist(delivered, schema=SSO_EVENTS.schema)
    write_landing_file(
        [batch], SSO_EVENTS, landing, source="okta", run_id="r", extracted_at=datetime.now()
    )

    with duckdb.connect() as con:
        result = audit_delivery(
            con, landing, "okta", SSO_EVENTS, "raw.okta__sso_events", GateSettings()
        )

    # THEN a copy is no fault, but the load must drop it: it is told the keys are once only if
    # the key check counted as many keys as the delivery has rows
    assert result.success
    assert keys_once(result) is not copied
    assert extract_okta(tmp_path, SSO_EVENTS, delivered).success
    with duckdb.connect(str(Paths(tmp_path).warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*), count(distinct uuid) from raw.okta__sso_events"
        ).fetchone() == (4, 4)
