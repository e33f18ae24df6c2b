"""Quality suites of the catalogue marts: one row per real application."""

from __future__ import annotations

from data_quality.suites.common import (
    FLAG,
    NEGATIVE_MONEY,
    Check,
    Suite,
    application_key,
    ceiling,
    expect,
    non_negative,
    not_null,
    unique,
)

APPLICATIONS = Suite(
    table="applications",
    key=("application_id",),
    checks=(
        *application_key("A duplicated application would count its users and costs twice."),
        not_null("application_name"),
        not_null("match_key"),
        unique(
            "match_key",
            why="Applications are merged by match key, so two rows with one key are one "
            "application split in two.",
        ),
        *(
            not_null(flag, FLAG)
            for flag in (
                "seen_in_okta",
                "seen_in_contracts",
                "seen_in_spend",
                "seen_in_survey",
                "is_sanctioned",
                "is_aligned",
            )
        ),
        Check(
            "source_count_in_range",
            expect(
                "ExpectColumnValuesToBeBetween", column="source_count", min_value=0, max_value=4
            ),
            True,
            "There are four sources an application can be seen in; any other count is wrong.",
        ),
        Check(
            "source_count_matches_flags",
            expect(
                "ExpectColumnPairValuesToBeEqual",
                column_A="source_count",
                column_B="flagged_sources",
            ),
            True,
            "The source count is shown beside the seen_in flags, so they must tell the same story.",
            relation="select application_id, source_count, seen_in_okta::int + "
            "seen_in_contracts::int + seen_in_spend::int + seen_in_survey::int as flagged_sources "
            "from {table}",
        ),
        not_null("annual_cost_usd", "A missing cost would drop out of total spend unnoticed."),
        non_negative("annual_cost_usd", NEGATIVE_MONEY),
        ceiling(
            "annual_cost_usd",
            50_000_000,
            "Over $50M a year for one application is more likely a unit or currency slip than "
            "real, but a large company could spend it, so it only warns.",
        ),
        Check(
            "contracted_application_categorised",
            expect("ExpectColumnValuesToNotBeNull", column="category"),
            False,
            "The category comes from contracts; a contracted application without one is listed "
            "as uncategorised, which misleads breakdowns but is no wrong figure, so it warns.",
            relation="select application_id, category from {table} where seen_in_contracts",
        ),
        Check(
            "owner_email_well_formed",
            expect(
                "ExpectColumnValuesToMatchRegex", column="owner_email", regex=r"^[^@\s]+@[^@\s]+$"
            ),
            False,
            "A malformed owner address only stops a reminder from being delivered, so it warns.",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (APPLICATIONS,)
