"""Quality suites of the usage marts: seats and active users."""

from __future__ import annotations

from data_quality.suites.common import (
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    Suite,
    application_key,
    at_least,
    ceiling,
    non_negative,
    not_null,
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
            1000,
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
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (LICENSE_UTILIZATION,)
