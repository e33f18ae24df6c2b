"""The event logs' key and not-null tests check the rows loaded since the live publication's gate
(Okta's kept assignment listing: test_kept_listing_tests.py; the usage rollup's list test:
test_rollup_list_test.py).

Those logs hold years of sign-ins; grouping 28 million Okta event ids to find a repeated one took
5.4 s of every refresh at scale L. With `rows_loaded_since`, only the new rows' keys are looked
for in the whole log: a new row repeating an old key must still fail, while a repeat among old
rows (which the earlier gate saw) is not looked for again. An event log's key is probed only
within a day of the new rows' times (an event has one time), and dbt's own tests of a log
(`relationships`, `accepted_values`) read only the new rows too.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from event_log_checks import AS_OF_DATE, CHECKED_THROUGH, NEW_LOAD, OLD_LOAD, failures, sign_in

from pipelines.quality.dbt_tests import ROWS_LOADED_SINCE_ENV, dbt_test_env

#: Loaded before the check (the days before 30 October): `repeated_old` twice, `old`, `far`, and a
#: sign-in to an app Okta no longer lists. Loaded after it: a row repeating `old` (a day later), a
#: new one, one without its time, a row repeating `far` ten days later, two timeless rows sharing
#: a key, and a sign-in to the unlisted app.
EVENTS = [
    sign_in("repeated_old", "2026-10-29 09:00:00"),
    sign_in("repeated_old", "2026-10-29 09:00:00"),
    sign_in("old", "2026-10-29 10:00:00"),
    sign_in("old", "2026-10-30 10:00:00"),
    sign_in("new", "2026-10-30 11:00:00"),
    sign_in("new_without_time", None),
    sign_in("far", "2026-10-20 10:00:00"),
    sign_in("far", "2026-10-30 12:00:00"),
    sign_in("timeless_twice", None),
    sign_in("timeless_twice", None),
    sign_in("unlisted_old", "2026-10-29 11:00:00", app_id="oa_gone"),
    sign_in("unlisted_new", "2026-10-30 13:00:00", app_id="oa_gone"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    data_dir = tmp_path_factory.mktemp("event_log_tests")
    database = dbt_harness.warehouse_path(data_dir)
    dbt_harness.write_raw_tables(
        database,
        {
            "okta__sso_events": EVENTS,
            "okta__apps": [{"id": "oa_zoom", "label": "Zoom", "name": "zoom"}],
        },
    )
    with duckdb.connect(str(database)) as con:
        # the old load delivered the sign-ins of 29 October
        con.execute(
            "update raw.okta__sso_events set _loaded_at = case"
            " when published < timestamp '2026-10-30' then $old else $new end",
            {"old": OLD_LOAD, "new": NEW_LOAD},
        )
    result = dbt_harness.run_dbt(
        data_dir, "run", "--select", "stg_okta__sso_events", "stg_okta__apps", as_of_date=AS_OF_DATE
    )
    assert result.returncode == 0, result.output[-5000:]
    return data_dir


def test_the_gates_environment_narrows_the_tests_as_the_var_does(
    warehouse: Path, dbt_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what the quality gate hands its `dbt test` (no var): the macro must read that variable
    monkeypatch.setenv(
        ROWS_LOADED_SINCE_ENV,
        dbt_test_env(date(2026, 10, 31), CHECKED_THROUGH)[ROWS_LOADED_SINCE_ENV],
    )

    assert failures(warehouse, dbt_harness) == {
        "unique_combination_stg_okta__sso_events_event_id": 2,
        "not_null_columns_stg_okta__sso_events": 1,
    }


def test_since_the_last_check_a_new_row_repeating_an_old_key_fails_and_old_repeats_are_left(
    warehouse: Path, dbt_harness: Any
) -> None:
    found = failures(warehouse, dbt_harness, rows_loaded_since=CHECKED_THROUGH.isoformat(sep=" "))
    assert found == {
        # `old` and `timeless_twice`: `repeated_old`'s two rows were both loaded before the check,
        # and `far`'s old row lies ten days from every new row's time, outside the probe (the same
        # event loaded twice has one time)
        "unique_combination_stg_okta__sso_events_event_id": 2,
        # one column (published_at) holds a null in the new rows
        "not_null_columns_stg_okta__sso_events": 1,
    }


def test_without_a_last_check_every_row_is_checked(warehouse: Path, dbt_harness: Any) -> None:
    found = failures(warehouse, dbt_harness)
    assert found == {
        # repeated_old, old, far, timeless_twice
        "unique_combination_stg_okta__sso_events_event_id": 4,
        "not_null_columns_stg_okta__sso_events": 1,
    }


def test_new_rows_that_repeat_nothing_pass(warehouse: Path, dbt_harness: Any) -> None:
    # checked through the newest load: no row is new, so nothing can repeat a new key
    found = failures(warehouse, dbt_harness, rows_loaded_since="2026-10-31 07:00:00")
    assert found == {
        "unique_combination_stg_okta__sso_events_event_id": 0,
        "not_null_columns_stg_okta__sso_events": 0,
    }


def test_dbt_s_own_tests_of_a_log_read_the_rows_loaded_since_the_last_check(
    warehouse: Path, dbt_harness: Any
) -> None:
    # `where: __loaded_since__` (macro get_where_subquery): the relationships test of the sign-ins'
    # app finds only the new sign-in to the unlisted app; by hand (no last check), both
    selection = "stg_okta__sso_events,test_name:relationships"
    since = CHECKED_THROUGH.isoformat(sep=" ")
    for variables, expected in (({"rows_loaded_since": since}, 1), ({}, 2)):
        dbt_harness.run_dbt(
            warehouse, "test", "--select", selection, as_of_date=AS_OF_DATE, variables=variables
        )
        results = json.loads((warehouse / "dbt_target" / "run_results.json").read_text())
        [result] = results["results"]
        assert (result["status"], result["failures"]) == ("warn", expected), variables
