"""The rollup's list invariant, as dbt tests it: each row's days ascending, each once, none null.

The incremental merge of `int_usage_events_rolled_up` must keep every `activity_dates` list so;
the data test that says it is checked here against lists that break it in each way.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

MODELS_YML = (
    Path(__file__).resolve().parents[2]
    / "dbt_project"
    / "models"
    / "intermediate"
    / "usage"
    / "_usage__models.yml"
)
TEST_NAME = "activity_dates_ascending_once_each_int_usage_events_rolled_up"


def invariant() -> str:
    models = yaml.safe_load(MODELS_YML.read_text(encoding="utf-8"))["models"]
    (rollup,) = [m for m in models if m["name"] == "int_usage_events_rolled_up"]
    (test,) = [
        t["expression_is_true"]
        for t in rollup["data_tests"]
        if isinstance(t, dict) and t.get("expression_is_true", {}).get("name") == TEST_NAME
    ]
    return test["arguments"]["expression"]


@pytest.mark.parametrize(
    ("days", "holds"),
    [
        (["2026-10-01"], True),
        (["2026-10-01", "2026-10-02", "2026-10-30"], True),
        ([], False),
        (["2026-10-02", "2026-10-01"], False),
        (["2026-10-01", "2026-10-01"], False),
        (["2026-10-01", "2026-10-03", "2026-10-02"], False),
        (["2026-10-01", None], False),
        ([None], False),
    ],
)
def test_the_rollups_days_must_be_ascending_and_each_there_once(
    days: list[str | None], holds: bool
) -> None:
    with duckdb.connect() as con:
        (result,) = con.execute(
            f"select {invariant()} from (select $days::date[] as activity_dates)", {"days": days}
        ).fetchone()

    assert result is holds
