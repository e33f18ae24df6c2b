"""The key test `unique_combination` checking a whole table (no last check: a full refresh's gate,
or `dbt test` by hand) finds exactly the keys a plain `group by` finds repeated.

It groups the keys' hashes first and then only the rows whose hash repeats by the keys themselves:
a composite key, nulls in it (grouped as one value, as `group by` groups them) and a key three
times over must come out as they would without the hashes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from event_log_checks import AS_OF_DATE, failing_rows

MODEL = "stg_google__token_activities"
TEST = "unique_combination_stg_google__token_activities"


def grant(time: str | None, qualifier: str | None, index: int) -> dict[str, Any]:
    return {
        "id_time": time,
        "id_unique_qualifier": qualifier,
        "event_index": index,
        "actor_email": "ann@example.com",
        "event_name": "authorize",
        "app_name": "Zoom",
    }


#: The log's key is (time, unique qualifier, index within the activity).
GRANTS = [
    # once each: the same time and qualifier, another index; the same qualifier without a time
    grant("2026-10-30 09:00:00", "q1", 0),
    grant("2026-10-30 09:00:00", "q1", 1),
    grant(None, "q2", 0),
    grant(None, "q2", 1),
    # repeated: twice, twice with a null qualifier, twice with a null time, three times
    grant("2026-10-30 10:00:00", "q3", 0),
    grant("2026-10-30 10:00:00", "q3", 0),
    grant("2026-10-30 11:00:00", None, 0),
    grant("2026-10-30 11:00:00", None, 0),
    grant(None, "q4", 0),
    grant(None, "q4", 0),
    grant("2026-10-30 12:00:00", "q5", 2),
    grant("2026-10-30 12:00:00", "q5", 2),
    grant("2026-10-30 12:00:00", "q5", 2),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    data_dir = tmp_path_factory.mktemp("key_tests")
    dbt_harness.write_raw_tables(
        dbt_harness.warehouse_path(data_dir), {"google__token_activities": GRANTS}
    )
    result = dbt_harness.run_dbt(data_dir, "run", "--select", MODEL, as_of_date=AS_OF_DATE)
    assert result.returncode == 0, result.output[-5000:]
    return data_dir


def test_a_whole_table_check_finds_the_keys_a_plain_group_by_finds(
    warehouse: Path, dbt_harness: Any
) -> None:
    with duckdb.connect(str(dbt_harness.warehouse_path(warehouse)), read_only=True) as con:
        [(repeated,)] = con.execute(
            "select count(*) from (select 1 from raw.google__token_activities"
            " group by id_time, id_unique_qualifier, event_index having count(*) > 1)"
        ).fetchall()

    selection = f"{MODEL},test_name:unique_combination"
    result = dbt_harness.run_dbt(warehouse, "test", "--select", selection, as_of_date=AS_OF_DATE)

    assert repeated == 4
    assert failing_rows(warehouse) == {TEST: repeated}, result.output[-3000:]
