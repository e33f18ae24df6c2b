"""Retries of a source's extraction: transient failures are retried with backoff, permanent ones
(refused credentials, a wrong URL, a bad file) fail at once with a message saying why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pytest
from dagster_duckdb import DuckDBResource

from connectors.base import Entity, Window
from connectors.config import SourceConfig
from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.http import NotFoundError
from connectors.registry import SOURCE_ENTITIES
from pipelines.ingest.assets import INGEST_RETRY_POLICY, build_ingest_assets, build_source_assets
from pipelines.resources import AuditSettings, SourcesResource

APPS = Entity(name="apps", key=("id",), schema=pa.schema([("id", pa.string())]))
#: The production policy's shape without its minutes of waiting.
QUICK_RETRIES = dg.RetryPolicy(max_retries=2, delay=0.01, backoff=dg.Backoff.EXPONENTIAL)


@dataclass
class ScriptedSource:
    """Stands in for the `sources` resource: a connector failing with each scripted error in
    turn, then extracting one application."""

    errors: list[SourceError]
    attempts: int = 0
    source: str = "okta"
    calls: list[str] = field(default_factory=list)

    def config(self, source: str) -> SourceConfig:
        return SourceConfig(name=source, type="okta", settings={}, directory=Path())

    def connector(self, config: SourceConfig) -> ScriptedSource:
        return self

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        yield pa.RecordBatch.from_pylist([{"id": "0oa1"}], schema=APPS.schema)


def extract(
    tmp_path: Path, sources: object, entities: list[Entity] | None = None
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [build_source_assets("okta", entities or [APPS], retry_policy=QUICK_RETRIES)],
        resources={
            "audit": AuditSettings(data_dir=str(tmp_path), as_of_date="2026-10-31"),
            "sources": sources,
            "warehouse": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    [failure] = result.get_step_failure_events()
    return failure.step_failure_data.user_failure_data.description


def gave_up(source: str = "okta") -> SourceError:
    return SourceError(source, "gave up on GET /api/v1/apps after 6 attempt(s): HTTP 503")


def test_every_source_retries_with_exponential_backoff() -> None:
    policies = {asset.op.name: asset.op.retry_policy for asset in build_ingest_assets()}

    assert set(policies) == {
        f"extract_{s}" for s in ("okta", "graph", "google", "servicenow", "snipeit", "files")
    }
    assert set(policies.values()) == {INGEST_RETRY_POLICY}
    assert INGEST_RETRY_POLICY.max_retries >= 2
    assert INGEST_RETRY_POLICY.backoff == dg.Backoff.EXPONENTIAL


def test_a_transient_failure_is_retried_and_the_source_lands(tmp_path: Path) -> None:
    source = ScriptedSource(errors=[gave_up()])

    result = extract(tmp_path, source)

    assert result.success
    assert source.attempts == 2
    [materialization] = result.asset_materializations_for_node("extract_okta")
    assert materialization.metadata["dagster/row_count"].value == 1


def test_a_source_failing_on_every_attempt_fails_after_the_last_retry(tmp_path: Path) -> None:
    source = ScriptedSource(errors=[gave_up(), gave_up(), gave_up(), gave_up()])

    result = extract(tmp_path, source)

    assert not result.success
    assert source.attempts == 1 + QUICK_RETRIES.max_retries
    assert "Transient" in failure_message(result)


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError(
            "okta", "GET /api/v1/apps was refused (HTTP 401). Check OKTA_API_TOKEN"
        ),
        AuthenticationError("okta", "GET /api/v1/apps is not permitted (HTTP 403)"),
        NotFoundError("okta", "GET /api/v1/apps returned HTTP 404. The base URL looks wrong"),
        RecordError("okta", "apps", [("app 0oa1", "created", "not a timestamp")]),
        ConfigError("okta", "base_url", "must be an http(s) URL"),
    ],
    ids=["401", "403", "404", "bad record", "bad setting"],
)
def test_a_permanent_failure_fails_at_once_saying_why(tmp_path: Path, error: SourceError) -> None:
    source = ScriptedSource(errors=[error])

    result = extract(tmp_path, source)

    assert not result.success
    assert source.attempts == 1
    message = failure_message(result)
    assert str(error) in message
    assert "Not retried" in message


def test_a_missing_business_file_is_permanent_not_waited_for(tmp_path: Path) -> None:
    # Regression guard: the files connector raises plain SourceErrors, and a local file does not
    # fix itself between retries, so minutes of backoff would only delay the failure.
    config = tmp_path / "sources.yml"
    config.write_text("sources:\n  files: {type: files, path: empty}\n")
    (tmp_path / "empty").mkdir()
    files_assets = build_source_assets("files", SOURCE_ENTITIES["files"], QUICK_RETRIES)

    result = dg.materialize(
        [files_assets],
        selection=[dg.AssetKey(["raw", "files__spend"])],
        resources={
            "audit": AuditSettings(data_dir=str(tmp_path), as_of_date="2026-10-31"),
            "sources": SourcesResource(config_path=str(config)),
            "warehouse": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    assert not result.success
    retries = [
        e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
    ]
    assert retries == []
    assert "spend: file not found" in failure_message(result)


USERS = Entity(name="users", key=("id",), schema=pa.schema([("id", pa.string())]))


@dataclass
class FailingAfterApps(ScriptedSource):
    """Extracts the applications, then fails on the users with `failure`."""

    failure: Exception = field(default_factory=Exception)

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        self.calls.append(entity)
        if entity == "users":
            raise self.failure
        yield pa.RecordBatch.from_pylist([{"id": "0oa1"}, {"id": "0oa2"}], schema=APPS.schema)


@pytest.mark.parametrize(
    ("failure", "attempts", "said"),
    [
        (AuthenticationError("okta", "GET /api/v1/users was refused (HTTP 401)"), 1, "Not retried"),
        (ValueError("a connector's bug"), 1 + QUICK_RETRIES.max_retries, "a connector's bug"),
    ],
    ids=["refused credential", "unexpected error"],
)
def test_what_stops_a_source_still_lands_what_was_extracted_before_it(
    tmp_path: Path, failure: Exception, attempts: int, said: str
) -> None:
    # A delivery is audited while the next entity is extracted: what stops the next must not
    # lose the one extracted already, whose audit was still running.
    source = FailingAfterApps(errors=[], failure=failure)

    result = extract(tmp_path, source, [APPS, USERS])

    assert not result.success
    assert source.calls == ["apps", "users"] * attempts
    [failure_event] = result.get_step_failure_events()
    assert said in str(failure_event.step_failure_data.error)
    landed = {m.asset_key for m in result.asset_materializations_for_node("extract_okta")}
    assert landed == {dg.AssetKey(["raw", "okta__apps"])}
    warehouse = DuckDBResource(database=str(tmp_path / "warehouse.duckdb"))
    with warehouse.get_connection() as con:
        assert con.execute("select id from raw.okta__apps order by id").fetchall() == [
            ("0oa1",),
            ("0oa2",),
        ]
    assert not list((tmp_path / "landing").rglob("*.parquet"))


GROUPS = Entity(name="groups", key=("id",), schema=pa.schema([("id", pa.string())]))


@dataclass
class Recording(ScriptedSource):
    """Extracts each entity, recording when, into `steps` (shared with the audits' recorder)."""

    steps: list[str] = field(default_factory=list)

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        self.steps.append(f"extract {entity}")
        yield pa.RecordBatch.from_pylist([{"id": "0oa1"}], schema=APPS.schema)


def test_the_next_entity_is_extracted_while_an_earlier_delivery_is_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN audits that are still running whenever the step asks, until it waits for them
    from pipelines.ingest import assets

    source = Recording(errors=[])
    submit = assets.submit_audit

    class StillRunning:
        def __init__(self, landing_file: Path, name: str, entity: Entity) -> None:
            self.entity, self.validation = entity.name, submit(landing_file, name, entity)

        def done(self) -> bool:
            return False

        def result(self):
            source.steps.append(f"wait for {self.entity}")
            return self.validation.result()

    monkeypatch.setattr(assets, "submit_audit", StillRunning)

    result = extract(tmp_path, source, [APPS, USERS, GROUPS])

    # THEN every entity is extracted before the step waits for the first audit, and all land
    assert result.success
    assert source.steps == [
        *("extract apps", "extract users", "extract groups"),
        *("wait for apps", "wait for users", "wait for groups"),
    ]
    landed = {m.asset_key for m in result.asset_materializations_for_node("extract_okta")}
    assert landed == {dg.AssetKey(["raw", f"okta__{name}"]) for name in ("apps", "users", "groups")}


def test_the_inventory_raw_holds_most_of_is_extracted_first(tmp_path: Path) -> None:
    # GIVEN a warehouse whose raw groups hold a row, the other inventories none yet
    import duckdb

    from pipelines.ingest.landing import ensure_table, raw_table

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        table = raw_table("okta", GROUPS)
        ensure_table(con, table, GROUPS)
        con.execute(f"insert into {table} (id) values ('00g1')")
    source = Recording(errors=[])

    result = extract(tmp_path, source, [APPS, USERS, GROUPS])

    # THEN the step extracts the groups first, the others in the order they are declared
    assert result.success
    assert source.steps == ["extract groups", "extract apps", "extract users"]
