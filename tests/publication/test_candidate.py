"""Write, audit, publish: the gate audits a candidate; only that exact candidate is published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from data_quality.fingerprint import table_fingerprint
from pipelines.publish.assets import passed
from pipelines.publish.publication import (
    Candidate,
    PublicationError,
    find_candidate,
    history,
    publish_candidate,
    record_audit,
    write_candidate,
)
from pipelines.settings import Paths

TABLES = ("applications", "audit_summary")
AS_OF = date(2026, 10, 31)


@pytest.fixture
def warehouse(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.applications as select 'app_' || i as id from range(3) r(i)"
        )
        con.execute("create table marts.audit_summary as select 3 as application_count")
        yield con


def verdict(candidate: Candidate, *, failing: tuple[str, ...] = ()) -> dict:
    """What the gate records: each table's fingerprint and whether it passed."""
    return {
        "tables": {
            table: {"fingerprint": fingerprint, "success": table not in failing}
            for table, fingerprint in candidate.fingerprints.items()
        }
    }


def audited(paths: Paths, warehouse, run_id: str, **kwargs) -> Candidate:
    candidate = write_candidate(warehouse, TABLES, paths, run_id=run_id, as_of=AS_OF)
    record_audit(candidate, verdict(candidate, **kwargs))
    return candidate


def publish_as_the_step_does(paths: Paths, run_ids: list[str]):
    candidate, recorded, fingerprints = passed(find_candidate(paths, run_ids))
    return publish_candidate(
        candidate,
        fingerprints,
        paths,
        keep=3,
        audited_sha256=recorded["database_sha256"],
        checks=recorded,
    )


def test_the_audited_candidate_is_published_with_its_verdict_and_checksum(
    paths: Paths, warehouse
) -> None:
    candidate = audited(paths, warehouse, "run-aaaaaaaa")
    assert not history(paths), "a candidate is not a publication readers can get"

    publication = publish_as_the_step_does(paths, ["run-aaaaaaaa"])

    manifest = publication.manifest
    assert publication.publication_id == candidate.publication_id
    assert manifest["database_sha256"] == manifest["checks"]["database_sha256"]
    assert manifest["checks"]["tables"]["applications"]["success"] is True
    with duckdb.connect(str(paths.published), read_only=True) as reader:
        assert reader.execute("select run_id from publication").fetchall() == [("run-aaaaaaaa",)]


def test_the_manifest_names_the_inputs_the_publication_was_computed_from(
    paths: Paths, warehouse
) -> None:
    warehouse.execute("create schema raw")
    warehouse.execute("create table raw.okta__users as select 'u' || i as id from range(4) r(i)")
    candidate = write_candidate(
        warehouse, TABLES, paths, run_id="run-eeeeeeee", as_of=AS_OF, input_schema="raw"
    )
    record_audit(candidate, verdict(candidate))

    inputs = publish_as_the_step_does(paths, ["run-eeeeeeee"]).manifest["inputs"]

    assert list(inputs) == ["raw.okta__users"]
    assert inputs["raw.okta__users"]["rows"] == 4
    assert inputs["raw.okta__users"]["fingerprint"] == table_fingerprint(
        warehouse, "raw.okta__users"
    )


def test_a_re_execution_publishes_the_candidate_its_parent_run_audited(
    paths: Paths, warehouse
) -> None:
    audited(paths, warehouse, "parent-1")

    publication = publish_as_the_step_does(paths, ["re-execution-2", "parent-1", "parent-1"])

    assert publication.manifest["run_id"] == "parent-1"


def test_a_run_without_a_candidate_publishes_nothing(paths: Paths) -> None:
    with pytest.raises(PublicationError, match="has no candidate publication"):
        publish_as_the_step_does(paths, ["manual-run"])

    assert not paths.published.exists()


def test_a_candidate_the_gate_never_audited_is_not_published(paths: Paths, warehouse) -> None:
    write_candidate(warehouse, TABLES, paths, run_id="run-bbbbbbbb", as_of=AS_OF)

    with pytest.raises(PublicationError, match="was never audited"):
        publish_as_the_step_does(paths, ["run-bbbbbbbb"])

    assert not paths.published.exists()


def test_a_candidate_that_failed_the_gate_is_not_published(paths: Paths, warehouse) -> None:
    audited(paths, warehouse, "run-cccccccc", failing=("audit_summary",))

    with pytest.raises(PublicationError, match=r"the quality gate failed \['audit_summary'\]"):
        publish_as_the_step_does(paths, ["run-cccccccc"])

    assert not paths.published.exists()


def test_a_candidate_changed_after_its_audit_is_not_published(paths: Paths, warehouse) -> None:
    candidate = audited(paths, warehouse, "run-dddddddd")
    with duckdb.connect(str(candidate.database)) as tamper:
        tamper.execute("insert into applications values ('app_unaudited')")

    with pytest.raises(PublicationError, match="changed after it was audited"):
        publish_as_the_step_does(paths, ["run-dddddddd"])

    assert not paths.published.exists()
