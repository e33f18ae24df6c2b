"""The event logs' (and Okta's kept assignment listing's) key and not-null tests check the rows
loaded since the live publication's gate.

Those logs hold years of sign-ins; grouping 28 million Okta event ids to find a repeated one took
5.4 s of every refresh at scale L. With `rows_loaded_since`, only the new rows' keys are looked
for in the whole log: a new row repeating an old key must still fail, while a repeat among old
rows (which the earlier gate saw) is not looked for again. An event log's key is probed only
within a day of the new rows' times (an event has one time), and dbt's own tests of a log
(`relationships`, `accepted_values`) read only the new rows too.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.quality.dbt_tests import ROWS_LOADED_SINCE_ENV, dbt_test_env

AS_OF_DATE = "2026-10-31"
CHECKED_THROUGH = datetime(2026, 10, 31, 6, 0)
OLD_LOAD = datetime(2026, 10, 30, 6, 0)
NEW_LOAD = datetime(2026, 10, 31, 6, 0)


def sign_in(uuid: str, published: str | None, app_id: str = "oa_zoom") -> dict[str, Any]:
    return {
        "uuid": uuid,
        "published": published,
        "event_type": "user.authentication.sso",
        "actor_id": "u_ann",
        "target_app_id": app_id,
        "outcome_result": "SUCCESS",
    }


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


def failures(
    data_dir: Path, dbt_harness: Any, model: str = "stg_okta__sso_events", **variables: str
) -> dict[str, int]:
    """Each key or not-null test of `model`: how many failing rows it found."""
    dbt_harness.run_dbt(
        data_dir,
        "test",
        "--select",
        f"{model},test_name:unique_combination",
        f"{model},test_name:not_null_columns",
        as_of_date=AS_OF_DATE,
        variables=variables,
    )
    results = json.loads((data_dir / "dbt_target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["failures"] for r in results}


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


ASSIGNMENTS_MODEL = "stg_okta__app_users"
#: An Okta assignment listing that names one assignment twice. A daily refresh keeps a listing for
#: days (`relist_days`): kept, it was loaded before the last check and is not checked again; listed
#: again, every row is new and the repeat fails.
ASSIGNMENTS = [
    {"app_id": "oa_zoom", "user_id": "u_ann", "status": "ACTIVE"},
    {"app_id": "oa_zoom", "user_id": "u_ann", "status": "ACTIVE"},
    {"app_id": "oa_zoom", "user_id": "u_bob", "status": "ACTIVE"},
]


@pytest.fixture(scope="module", params=[OLD_LOAD, NEW_LOAD], ids=["kept", "listed_again"])
def listing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any
) -> tuple[Path, datetime]:
    data_dir = tmp_path_factory.mktemp("assignment_listing_tests")
    database = dbt_harness.warehouse_path(data_dir)
    dbt_harness.write_raw_tables(database, {"okta__app_users": ASSIGNMENTS})
    with duckdb.connect(str(database)) as con:
        con.execute("update raw.okta__app_users set _loaded_at = $at", {"at": request.param})
    result = dbt_harness.run_dbt(
        data_dir, "run", "--select", ASSIGNMENTS_MODEL, as_of_date=AS_OF_DATE
    )
    assert result.returncode == 0, result.output[-5000:]
    return data_dir, request.param


def test_a_kept_assignment_listing_is_not_checked_again_and_a_new_one_is_checked_whole(
    listing: tuple[Path, datetime], dbt_harness: Any
) -> None:
    data_dir, loaded_at = listing
    since = CHECKED_THROUGH.isoformat(sep=" ")
    found = failures(data_dir, dbt_harness, ASSIGNMENTS_MODEL, rows_loaded_since=since)
    repeats = 1 if loaded_at >= CHECKED_THROUGH else 0
    key_test = "unique_combination_stg_okta__app_users_okta_app_id__user_id"
    assert found == {key_test: repeats, "not_null_columns_stg_okta__app_users": 0}
    # without a last check (dbt test by hand, a first publication) the whole listing is checked
    assert failures(data_dir, dbt_harness, ASSIGNMENTS_MODEL)[key_test] == 1


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
    ("variables", "failing_rows"),
    [
        # the gate: only the rows the merge wrote since the last check (`bob`'s)
        ({"rows_loaded_since": CHECKED_THROUGH.isoformat(sep=" ")}, 1),
        # by hand, or before a first publication: every row
        ({}, 2),
    ],
    ids=["since_the_last_check", "every_row"],
)
def test_the_rollups_list_test_checks_the_rows_its_merge_wrote_since_the_last_check(
    rollup: Path, dbt_harness: Any, variables: dict[str, str], failing_rows: int
) -> None:
    dbt_harness.run_dbt(
        rollup,
        "test",
        "--select",
        f"{ROLLUP_MODEL},test_name:expression_is_true",
        as_of_date=AS_OF_DATE,
        variables=variables,
    )
    results = json.loads((rollup / "dbt_target" / "run_results.json").read_text())["results"]
    assert {r["unique_id"].split(".")[2]: r["failures"] for r in results} == {
        LIST_TEST: failing_rows
    }
