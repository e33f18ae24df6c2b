"""Freshness: has every source delivered, and has the audit been published, recently enough?

Dagster's own last-update freshness checks, one per raw table and per published table, visible in
the UI's asset checks. A raw table fails when its source has not been loaded within the raw lag, a
published table when no publication landed within the publication lag (a refresh failing its gate
every day shows here, not only in the run log). They are evaluated by a sensor, not by the refresh
job: right after a refresh they would pass trivially, while the question is whether one happened.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

import dagster as dg

RAW_LAG_ENV = "AUDIT_RAW_FRESHNESS_HOURS"
PUBLICATION_LAG_ENV = "AUDIT_PUBLICATION_FRESHNESS_HOURS"
ENABLED_ENV = "AUDIT_FRESHNESS_SENSOR_ENABLED"

#: A daily refresh, plus a few hours of slack for a late or retried run.
DEFAULT_LAG_HOURS = 30.0


@dataclass(frozen=True)
class FreshnessSettings:
    raw_lag: timedelta
    publication_lag: timedelta

    @classmethod
    def from_env(cls) -> FreshnessSettings:
        return cls(_hours(RAW_LAG_ENV), _hours(PUBLICATION_LAG_ENV))


def _hours(variable: str) -> timedelta:
    value = os.environ.get(variable, "").strip()
    if not value:
        return timedelta(hours=DEFAULT_LAG_HOURS)
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(f"{variable}={value!r} is not a number of hours") from None
    if hours <= 0:
        raise ValueError(f"{variable}={value!r} must be a positive number of hours")
    return timedelta(hours=hours)


def build_freshness_checks(
    raw: Sequence[dg.AssetKey], published: Sequence[dg.AssetKey], settings: FreshnessSettings
) -> list[dg.AssetChecksDefinition]:
    with _superseded_but_kept():
        return [
            *dg.build_last_update_freshness_checks(
                assets=list(raw), lower_bound_delta=settings.raw_lag
            ),
            *dg.build_last_update_freshness_checks(
                assets=list(published),
                lower_bound_delta=settings.publication_lag,
                severity=dg.AssetCheckSeverity.ERROR,
            ),
        ]


def build_freshness_sensor(
    checks: Sequence[dg.AssetChecksDefinition], *, enabled: bool
) -> dg.SensorDefinition:
    """Evaluates the freshness checks every few minutes; stopped unless enabled, like schedules:
    on the sample company, whose data never changes by itself, they would only ever fail."""
    with _superseded_but_kept():
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=list(checks),
            minimum_interval_seconds=300,
            name="freshness_checks",
            default_status=(
                dg.DefaultSensorStatus.RUNNING if enabled else dg.DefaultSensorStatus.STOPPED
            ),
        )


def check_keys(checks: Sequence[dg.AssetChecksDefinition]) -> list[dg.AssetCheckKey]:
    return [key for definition in checks for key in definition.check_keys]


@contextlib.contextmanager
def _superseded_but_kept() -> Iterator[None]:
    """Dagster 1.13 calls these builders superseded by `FreshnessPolicy` objects; the checks still
    work in open-source Dagster, show in the UI as checks and are tested, so they are kept, without
    a warning on every load of the definitions."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Warning)
        yield
