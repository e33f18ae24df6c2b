"""What the tests of the logs' checks share: the dates of two loads and of the last check, a
sign-in, and the failing rows each key or not-null test finds."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

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
    return failing_rows(data_dir)


def failing_rows(data_dir: Path) -> dict[str, int]:
    """Each test of the last dbt command in `data_dir`: how many failing rows it found."""
    results = json.loads((data_dir / "dbt_target" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["failures"] for r in results}
