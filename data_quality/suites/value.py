"""Quality suites of the value marts: what each application returns."""

from __future__ import annotations

from data_quality.suites.common import (
    NEGATIVE_MONEY,
    Suite,
    application_key,
    ceiling,
    non_negative,
    not_null,
)

APPLICATION_ROI = Suite(
    table="application_roi",
    key=("application_id",),
    checks=(
        *application_key("A duplicated application would appear twice in every ROI ranking."),
        not_null("application_name"),
        not_null("annual_cost_usd", "ROI is computed from the cost; without it there is none."),
        non_negative("annual_cost_usd", NEGATIVE_MONEY),
        not_null("annual_benefit_usd", "Benefit defaults to 0; a null means a broken join."),
        non_negative("annual_benefit_usd", NEGATIVE_MONEY),
        non_negative("payback_months", "A negative payback period is impossible."),
        ceiling(
            "payback_months",
            120,
            "A payback over ten years outlives most software; it flags a tiny benefit worth a "
            "look, not a wrong figure, so it only warns.",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (APPLICATION_ROI,)
