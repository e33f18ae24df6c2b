"""A kept Okta assignment listing plus the System Log's changes since it gives the seats a new
listing would: through the real connector, emulator, landing, dbt and publication.

GIVEN a full refresh of the sample company, WHEN raw's listing is turned into one taken 20 days
before the audit date (the assignments made since are removed from it, and it is dated then) and a
daily refresh runs, THEN the refresh keeps that listing, reads the assignments made since from the
System Log, and publishes the same seats per application as the full refresh did.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.refresh import run_refresh
from pipelines.sample import serve_sample_company
from pipelines.settings import Paths

pytestmark = pytest.mark.e2e

SCALE, SEED = "tiny", 7
LISTING = "raw.okta__app_users"
SEATS = "select application_id, seats_assigned from license_utilization order by application_id"


def published(paths: Paths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.published), read_only=True) as con:
        return con.execute(sql).fetchall()


def warehouse(paths: Paths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse)) as con:
        return con.execute(sql).fetchall()


def keep_listings_for(sources_config: Path, days: int) -> None:
    """The sample's sources file, with Okta's listing kept for `days` (its age here is the time
    since the sample's audit date, which the wall clock has long passed)."""
    sources = yaml.safe_load(sources_config.read_text(encoding="utf-8"))
    sources["sources"]["okta"]["relist_days"] = days
    sources_config.write_text(yaml.safe_dump(sources), encoding="utf-8")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    paths = Paths(tmp_path_factory.mktemp("assignments") / "data")
    with pytest.MonkeyPatch.context() as env, dg.instance_for_test() as instance:
        env.setenv("AUDIT_DATA_DIR", str(paths.data_dir))
        with serve_sample_company(paths.sample, scale=SCALE, seed=SEED) as sample:
            env.setenv("AUDIT_SOURCES_CONFIG", str(sample.sources_config))
            env.setenv("AUDIT_AS_OF_DATE", sample.as_of.isoformat())
            full = run_refresh(instance, mode="full", log_dir=paths.data_dir / "logs")
            seats_listed = published(paths, SEATS)
            listed = warehouse(paths, f"select count(*) from {LISTING}")[0][0]

            listing_began = datetime.combine(sample.as_of - timedelta(days=20), time())
            made_since = warehouse(
                paths,
                f"delete from {LISTING} where created >= '{listing_began}' returning user_id",
            )
            warehouse(paths, f"update {LISTING} set _extracted_at = '{listing_began}'")
            age = datetime.now() - listing_began
            keep_listings_for(sample.sources_config, age.days + 2)

            daily = run_refresh(instance, mode="incremental", log_dir=paths.data_dir / "logs")
            yield {
                "paths": paths,
                "full": full,
                "daily": daily,
                "seats_listed": seats_listed,
                "listed": listed,
                "made_since": len(made_since),
                "listing_began": listing_began,
            }
    os.environ.pop("SAMPLE_OKTA_API_TOKEN", None)


def test_the_daily_refresh_keeps_the_listing_and_reads_the_assignments_made_since(refreshed):
    paths = refreshed["paths"]
    assert refreshed["full"].published
    assert refreshed["daily"].published
    # the sample company made assignments in the last 20 days: the test would prove nothing else
    assert refreshed["made_since"] > 0

    listing = warehouse(paths, f"select count(*), max(_extracted_at) from {LISTING}")
    changes = warehouse(
        paths,
        "select count(*), min(published), count(distinct event_type)"
        " from raw.okta__app_user_changes",
    )

    assert listing == [(refreshed["listed"] - refreshed["made_since"], refreshed["listing_began"])]
    (count, first, kinds) = changes[0]
    assert count == refreshed["made_since"]
    assert first >= refreshed["listing_began"]
    assert kinds == 1  # the sample org only ever adds


def test_the_seats_published_from_the_kept_listing_and_its_changes_are_those_of_a_new_listing(
    refreshed,
):
    assert published(refreshed["paths"], SEATS) == refreshed["seats_listed"]
