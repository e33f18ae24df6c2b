"""The usage rollup's list test (each row's activity days ascending, once each) checks the rows its
merge wrote since the live publication's gate, and every row when run by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from event_log_checks import (
    AS_OF_DATE,
    CHECKED_THROUGH,
    NEW_LOAD,
    OLD_LOAD,
    failing_rows,
    sign_in,
)

ROLLUP_MODEL = "int_usage_events_rolled_up"
LIST_TEST = "activity_dates_ascending_once_each_int_usage_events_rolled_up"


@pytest.fixture(scope="module")
def rollup(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """The usage rollup of two users' sign-ins, then each row's days broken (out of order): the
    row of `ann` by the merge of the old load, the row of `bob` by the new one's."""
    data_dir = tmp_path_factory.mktemp("rollup_list_tests")
    database = dbt_harness.warehouse_path(data_dir)
    events = [
        {**sign_in(f"{actor}_{day}", f"2026-10-{day} 09:00:00"), "actor_id": actor}
        for actor in ("ann", "bob")
        for day in (28, 29)
    ]
    dbt_harness.write_raw_tables(database, {"okta__sso_events": events})
    result = dbt_harness.run_dbt(
        data_dir, "run", "--select", f"+{ROLLUP_MODEL}", as_of_date=AS_OF_DATE
    )
    assert result.returncode == 0, result.output[-5000:]
    with duckdb.connect(str(database)) as con:
        con.execute(
            f"update intermediate.{ROLLUP_MODEL} set"
            " activity_dates = list_reverse(activity_dates),"
            " loaded_at = case user_id when 'ann' then $old else $new end",
            {"old": OLD_LOAD, "new": NEW_LOAD},
        )
    return data_dir


@pytest.mark.parametrize(
    ("variables", "failing"),
    [
        # the gate: only the rows the merge wrote since the last check (`bob`'s)
        ({"rows_loaded_since": CHECKED_THROUGH.isoformat(sep=" ")}, 1),
        # by hand, or before a first publication: every row
        ({}, 2),
    ],
    ids=["since_the_last_check", "every_row"],
)
def test_the_rollups_list_test_checks_the_rows_its_merge_wrote_since_the_last_check(
    rollup: Path, dbt_harness: Any, variables: dict[str, str], failing: int
) -> None:
    dbt_harness.run_dbt(
        rollup,
        "test",
        "--select",
        f"{ROLLUP_MODEL},test_name:expression_is_true",
        as_of_date=AS_OF_DATE,
        variables=variables,
    )
    assert failing_rows(rollup) == {LIST_TEST: failing}
