"""Quality suites of the usage marts: seats and active users, per application and per SKU."""

from __future__ import annotations

from itertools import pairwise

from data_quality.suites.common import (
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    Check,
    Suite,
    application_key,
    at_least,
    ceiling,
    expect,
    in_set,
    non_negative,
    not_null,
    unique,
)

# Utilisation above this share is real (more people use an app than seats were bought) but past
# it a missing contract or SKU mapping is the likelier cause: worth a look, so it only warns.
UTILIZATION_CEILING_PCT = 1000
_SENSITIVITY_DAYS = (30, 60, 90)

_POSITION_COUNTS = (
    "exempt_seats",
    "never_active_assigned_users",
    "inactive_assigned_seats",
    "unassigned_seats",
)
_SENSITIVITIES = tuple(f"unused_license_cost_{days}d_usd" for days in _SENSITIVITY_DAYS)

_LICENSE_POSITION_CHECKS = (
    not_null("activity_window_days", "Active users mean nothing without the window they span."),
    Check(
        "activity_window_days_positive",
        expect("ExpectColumnValuesToBeBetween", column="activity_window_days", min_value=1),
        True,
        "A window of no days counts nobody as active and prices every seat as unused.",
    ),
    *(
        not_null(column, "Seat counts default to 0; a null means a broken join.")
        for column in _POSITION_COUNTS
    ),
    *(non_negative(column, NEGATIVE_COUNT) for column in _POSITION_COUNTS),
    not_null(
        "is_over_allocation_risk",
        "A null risk flag is neither raised nor clear, so compliance counts would not add up.",
    ),
    at_least(
        "inactive_seats_include_never_active_users",
        "inactive_assigned_seats",
        "never_active_assigned_users",
        "A never-active holder is inactive in any window: otherwise the idle seats are miscounted.",
    ),
    at_least(
        "inactive_seats_within_assigned",
        "seats_assigned",
        "inactive_assigned_seats",
        "Only assigned seats can be idle: more would overstate the seats to reclaim.",
    ),
    at_least(
        "unassigned_seats_within_purchased",
        "seats_purchased",
        "unassigned_seats",
        "Only purchased seats can be unassigned: more means the seat counts are corrupt.",
    ),
    non_negative("cost_per_active_user_usd", NEGATIVE_MONEY),
    *(
        not_null(column, "A missing sensitivity would hide how the waste depends on the window.")
        for column in _SENSITIVITIES
    ),
    *(non_negative(column, NEGATIVE_MONEY) for column in _SENSITIVITIES),
    *(
        at_least(
            f"unused_cost_{shorter}d_at_least_{longer}d",
            f"unused_license_cost_{shorter}d_usd",
            f"unused_license_cost_{longer}d_usd",
            "A longer window finds at least as many active users, so it cannot leave more unused "
            "cost: otherwise the windows are miscounted.",
        )
        for shorter, longer in pairwise(_SENSITIVITY_DAYS)
    ),
)

LICENSE_UTILIZATION = Suite(
    table="license_utilization",
    key=("application_id",),
    checks=(
        *application_key("Two rows for one application would count its seats and cost twice."),
        not_null("application_name"),
        not_null(
            "as_of_date", "Every figure is as of the audit date; without it none can be read."
        ),
        *(
            not_null(column, "Seat and user counts default to 0; a null means a broken join.")
            for column in (
                "seats_purchased",
                "seats_assigned",
                "active_users_30d",
                "active_users_60d",
                "active_users_90d",
                "active_users",
                "unused_seats",
                "over_allocated_seats",
            )
        ),
        *(
            non_negative(column, NEGATIVE_COUNT)
            for column in (
                "seats_purchased",
                "seats_assigned",
                "active_users_30d",
                "active_users_60d",
                "active_users_90d",
                "active_users",
                "unused_seats",
                "over_allocated_seats",
            )
        ),
        at_least(
            "active_users_60d_include_30d",
            "active_users_60d",
            "active_users_30d",
            "A user active in the last 30 days is active in the last 60: otherwise the windows "
            "are miscounted.",
        ),
        at_least(
            "active_users_90d_include_60d",
            "active_users_90d",
            "active_users_60d",
            "A user active in the last 60 days is active in the last 90: otherwise the windows "
            "are miscounted.",
        ),
        at_least(
            "unused_seats_within_purchased",
            "seats_purchased",
            "unused_seats",
            "More seats unused than purchased means the unused-license cost is overstated.",
        ),
        non_negative("utilization_pct", "A negative utilisation is impossible."),
        ceiling(
            "utilization_pct",
            UTILIZATION_CEILING_PCT,
            "Above 100% is real when more people use an app than seats were bought; above 1000% "
            "more likely means a missing contract, worth a look but not wrong, so it only warns.",
        ),
        *(
            non_negative(column, NEGATIVE_MONEY)
            for column in (
                "annual_license_cost_usd",
                "cost_per_seat_usd",
                "unused_license_cost_usd",
            )
        ),
        not_null(
            "unused_license_cost_usd", "A missing unused cost would drop out of the headline total."
        ),
        at_least(
            "unused_cost_within_license_cost",
            "annual_license_cost_usd",
            "unused_license_cost_usd",
            "Unused seats cannot cost more than all the seats: the waste figure would be wrong.",
        ),
        *_LICENSE_POSITION_CHECKS,
    ),
)

_SKU_COUNTS = ("seats_purchased", "seats_assigned", "active_users", "unused_seats")
_SKU_MONEY = ("annual_license_cost_usd", "cost_per_seat_usd", "unused_license_cost_usd")

LICENSE_SKU_UTILIZATION = Suite(
    table="license_sku_utilization",
    key=("application_id", "sku"),
    checks=(
        not_null("application_id"),
        not_null("sku"),
        unique(
            "application_id",
            "sku",
            why="Two rows for one license would count its seats and unused cost twice.",
        ),
        not_null(
            "as_of_date", "Every figure is as of the audit date; without it none can be read."
        ),
        *in_set("seats_purchased_source", ["contracts", "entra"]),
        *in_set("active_user_attribution", ["assigned_licenses", "seat_share"]),
        *(
            not_null(column, "Seat and user counts default to 0; a null means a broken join.")
            for column in ("seats_purchased", "active_users", "unused_seats")
        ),
        *(non_negative(column, NEGATIVE_COUNT) for column in _SKU_COUNTS),
        at_least(
            "unused_seats_within_purchased",
            "seats_purchased",
            "unused_seats",
            "More seats unused than purchased means the unused-license cost is overstated.",
        ),
        non_negative("utilization_pct", "A negative utilisation is impossible."),
        ceiling(
            "utilization_pct",
            UTILIZATION_CEILING_PCT,
            "Above 1000% a license more likely misses its contract or SKU mapping than is "
            "shared that widely; worth a look but not wrong, so it only warns.",
        ),
        *(
            not_null(column, "A missing cost would drop out of every total.")
            for column in (
                "annual_license_cost_usd",
                "unused_license_cost_usd",
            )
        ),
        *(non_negative(column, NEGATIVE_MONEY) for column in _SKU_MONEY),
        at_least(
            "unused_cost_within_license_cost",
            "annual_license_cost_usd",
            "unused_license_cost_usd",
            "Unused seats cannot cost more than all the seats: the waste figure would be wrong.",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (LICENSE_UTILIZATION, LICENSE_SKU_UTILIZATION)
