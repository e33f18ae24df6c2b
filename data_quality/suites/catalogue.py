"""Quality suites of the catalogue marts: one row per real application, the facts its sources
disagree on, and the applications used or paid for outside IT's management."""

from __future__ import annotations

from data_quality.suites.common import (
    FLAG,
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

#: The sources that are evidence an application is there, each with a seen_in_<source> flag.
EVIDENCE_SOURCES = (
    "okta",
    "graph",
    "google",
    "servicenow",
    "snipeit",
    "contracts",
    "spend",
    "survey",
)
MATCH_RULES = ["override", "alias_file", "match_key", "exact"]
RECONCILED_ATTRIBUTES = ["seats_purchased", "business_owner_email"]
RECONCILED_SOURCES = ["contracts", "servicenow", "snipeit", "graph"]
EMAIL = r"^[^@\s]+@[^@\s]+$"
_FLAGGED_SOURCES = " + ".join(f"seen_in_{source}::int" for source in EVIDENCE_SOURCES)

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
                *(f"seen_in_{source}" for source in EVIDENCE_SOURCES),
                "is_sanctioned",
                "is_aligned",
            )
        ),
        Check(
            "source_count_in_range",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="source_count",
                min_value=0,
                max_value=len(EVIDENCE_SOURCES),
            ),
            True,
            f"There are {len(EVIDENCE_SOURCES)} sources an application can be seen in; any other "
            "count is wrong.",
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
            relation=f"select application_id, source_count, {_FLAGGED_SOURCES} as flagged_sources "
            "from {table}",
        ),
        Check(
            "source_systems_match_flags",
            expect(
                "ExpectColumnPairValuesToBeEqual",
                column_A="listed_sources",
                column_B="source_count",
            ),
            True,
            "The readable list of sources is what people read instead of the flags, so it must "
            "name as many sources as they count.",
            relation="select application_id, source_count, coalesce(len(string_split("
            "source_systems, ', ')), 0) as listed_sources from {table}",
        ),
        *in_set("match_rule", MATCH_RULES),
        not_null(
            "match_rules",
            "Every application was merged by some rule; without it a reviewer cannot tell a "
            "manual merge from an automatic one.",
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
            expect("ExpectColumnValuesToMatchRegex", column="owner_email", regex=EMAIL),
            False,
            "A malformed owner address only stops a reminder from being delivered, so it warns.",
        ),
    ),
)

SOURCE_RECONCILIATION = Suite(
    table="source_reconciliation",
    key=("application_id", "attribute_name", "source_system"),
    checks=(
        not_null("application_id"),
        not_null("application_name"),
        not_null("reference_source"),
        unique(
            "application_id",
            "attribute_name",
            "source_system",
            why="A source's value shown twice would count one disagreement twice.",
        ),
        *in_set("attribute_name", RECONCILED_ATTRIBUTES),
        *in_set("source_system", RECONCILED_SOURCES),
        *(not_null(flag, FLAG) for flag in ("is_reference", "is_in_agreement", "is_disputed")),
        Check(
            "reporting_source_count_in_range",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="reporting_source_count",
                min_value=2,
                max_value=len(RECONCILED_SOURCES),
            ),
            True,
            "A fact is reconciled only between two or more of the sources that report it, so "
            "any other count means rows were lost or invented.",
        ),
        Check(
            "one_reference_per_fact",
            expect(
                "ExpectColumnValuesToBeBetween", column="reference_rows", min_value=1, max_value=1
            ),
            True,
            "Every source of a fact is compared with one reference; none or two would make the "
            "agreement flags meaningless.",
            relation="select application_id, attribute_name, count(*) filter (where is_reference) "
            "as reference_rows from {table} group by application_id, attribute_name",
        ),
        Check(
            "disputed_flag_matches_agreement",
            expect("ExpectColumnValuesToBeInSet", column="is_consistent", value_set=[True]),
            True,
            "is_disputed is how readers find the facts to settle, so it must be true on every "
            "row of a fact exactly when a source disagrees, and the reference always agrees.",
            relation="select application_id, attribute_name, bool_and(is_disputed) = "
            "bool_or(is_disputed) and bool_or(is_disputed) = not bool_and(is_in_agreement) "
            "and bool_and(is_in_agreement) filter (where is_reference) as is_consistent "
            "from {table} group by application_id, attribute_name",
        ),
        Check(
            "seat_difference_reconciles",
            expect(
                "ExpectColumnPairValuesToBeEqual",
                column_A="seat_difference",
                column_B="computed_difference",
            ),
            True,
            "The difference is what readers act on, so it must be the source's seats minus the "
            "reference's exactly.",
            relation="select application_id, attribute_name, source_system, seat_difference, "
            "source_seats - reference_seats as computed_difference from {table} "
            "where attribute_name = 'seats_purchased'",
        ),
        Check(
            "seat_counts_present",
            expect("ExpectColumnValuesToNotBeNull", column="source_seats"),
            True,
            "Every source reporting seats gives a number; a null would hide a disagreement.",
            relation="select application_id, attribute_name, source_system, source_seats "
            "from {table} where attribute_name = 'seats_purchased'",
        ),
        non_negative("source_seats", NEGATIVE_COUNT),
        ceiling(
            "source_seats",
            100_000,
            "Free self-service SKUs show a million units that are no seats bought, so a count "
            "this large means the SKU mapping seed lists one; it misleads but loses no figure, "
            "so it warns.",
        ),
        Check(
            "owner_email_well_formed",
            expect("ExpectColumnValuesToMatchRegex", column="source_value", regex=EMAIL),
            False,
            "A malformed owner address only makes the disagreement harder to settle, so it warns.",
            relation="select application_id, attribute_name, source_system, source_value "
            "from {table} where attribute_name = 'business_owner_email'",
        ),
    ),
)

SHADOW_IT = Suite(
    table="shadow_it",
    key=("application_id",),
    checks=(
        *application_key("A shadow application listed twice would double its spend and users."),
        not_null("application_name"),
        not_null(
            "source_systems",
            "Every shadow application is listed because a source saw it; which one is the "
            "evidence readers need.",
        ),
        *(not_null(flag, FLAG) for flag in ("has_card_spend", "has_recent_evidence")),
        Check(
            "source_count_in_range",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="source_count",
                min_value=1,
                max_value=len(EVIDENCE_SOURCES),
            ),
            True,
            "A shadow application is one an evidence source sees, so it is seen by one to "
            f"{len(EVIDENCE_SOURCES)} of them; anything else is a wrong row.",
        ),
        *(
            check
            for column in (
                "lookback_spend_line_count",
                "oauth_user_count",
                "entra_sign_in_user_count",
                "survey_respondent_count",
            )
            for check in (not_null(column), non_negative(column, NEGATIVE_COUNT))
        ),
        *(
            check
            for column in ("lookback_spend_usd", "lookback_card_spend_usd")
            for check in (not_null(column), non_negative(column, NEGATIVE_MONEY))
        ),
        Check(
            "card_spend_within_spend",
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                column_A="lookback_spend_usd",
                column_B="lookback_card_spend_usd",
                or_equal=True,
            ),
            False,
            "Card spend is part of the spend; more card than total needs invoice credit notes "
            "larger than the invoices, which is odd but possible, so it warns.",
        ),
        at_least(
            "seen_dates_ordered",
            "last_seen_date",
            "first_seen_date",
            "An application last seen before it was first seen has its evidence dates swapped.",
        ),
        Check(
            "recent_evidence_is_dated",
            expect("ExpectColumnValuesToNotBeNull", column="last_seen_date"),
            True,
            "Recent evidence has a date, so a recent application without a last-seen date "
            "would be shown as never seen.",
            relation="select application_id, last_seen_date from {table} where has_recent_evidence",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (APPLICATIONS, SOURCE_RECONCILIATION, SHADOW_IT)
