"""Okta's assignment listing, kept by a daily refresh for days (`relist_days`): its key and
not-null tests check it whole when it is listed again, and not again while it is kept (it was
loaded before the live publication's gate, which saw it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from event_log_checks import AS_OF_DATE, CHECKED_THROUGH, NEW_LOAD, OLD_LOAD, failures

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
