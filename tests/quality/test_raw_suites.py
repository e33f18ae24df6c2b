"""The raw suites: one per entity a source lands, each check an expectation GX can build."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors.okta.entities import SSO_EVENTS
from connectors.registry import SOURCE_ENTITIES
from data_quality.checks import load_gx
from data_quality.results import CheckResult
from data_quality.suites import SUITES
from data_quality.suites.raw import EXTRA_CHECKS, RAW_SUITES, raw_suite
from data_quality.worker import validate_file


def test_every_entity_a_source_lands_has_a_raw_suite() -> None:
    landed = {
        f"{source}__{e.name}" for source, entities in SOURCE_ENTITIES.items() for e in entities
    }

    assert set(RAW_SUITES) == landed
    assert set(EXTRA_CHECKS) <= landed
    # The published marts' list is not touched by the raw layer.
    assert not set(RAW_SUITES) & set(SUITES)


def test_every_raw_check_builds_a_great_expectations_expectation() -> None:
    expectation_class = load_gx().expectations.Expectation

    for table, suite in RAW_SUITES.items():
        for check in suite.checks:
            assert isinstance(check.expectation(), expectation_class), (table, check.name)
            assert check.why.endswith("."), (table, check.name)


def test_every_raw_check_names_a_column_its_entity_lands() -> None:
    # Regression guard: a typo in a column name would make a check fail on every delivery.
    entities = {f"{s}__{e.name}": e for s, entities in SOURCE_ENTITIES.items() for e in entities}
    for table, checks in EXTRA_CHECKS.items():
        columns = set(entities[table].schema.names)
        for check in checks:
            column = check.expectation.kwargs["column"]
            assert column in columns or check.relation, (table, check.name)


def _sso_events(path: Path, rows: list[dict[str, object]]) -> Path:
    """An Okta sign-in delivery, as the landing file holds it: each row's differences from one
    event of uuid e1."""
    event = {
        "uuid": "e1",
        "published": datetime(2026, 10, 30, 9, 0),
        "event_type": "user.authentication.sso",
        "actor_id": "00u1",
        "actor_alternate_id": "ann@example.com",
        "target_app_id": "0oa1",
        "target_app_display_name": "Slack",
        "outcome_result": "SUCCESS",
        "_source": "okta",
        "_extracted_at": datetime(2026, 10, 30, 10, 0),
        "_run_id": "run-1",
    }
    pq.write_table(pa.Table.from_pylist([{**event, **row} for row in rows]), path)
    return path


def _key_unique(path: Path) -> CheckResult:
    result = validate_file(str(path), raw_suite("okta", SSO_EVENTS))
    return next(check for check in result.checks if check.name == "key_unique")


def test_copies_of_one_event_pass_the_key_check_whatever_run_read_them(tmp_path: Path) -> None:
    rows = [{}, {"_run_id": "run-2", "_extracted_at": datetime(2026, 10, 31)}, {"uuid": "e2"}]

    check = _key_unique(_sso_events(tmp_path / "copies.parquet", rows))

    assert check.success
    assert check.element_count == 2  # one content per key


@pytest.mark.parametrize("column", [name for name in SSO_EVENTS.schema.names if name != "uuid"])
def test_one_event_id_with_two_contents_is_refused_whichever_column_differs(
    tmp_path: Path, column: str
) -> None:
    other = datetime(2026, 10, 30, 9, 5) if column == "published" else "other"

    check = _key_unique(_sso_events(tmp_path / "conflict.parquet", [{}, {column: other}]))

    assert not check.success
    assert check.blocking
    assert check.unexpected_count == 2
    assert check.unexpected_sample == ["e1", "e1"]
