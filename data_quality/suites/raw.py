"""The suites of the raw layer: what a delivery must satisfy before it replaces or extends raw.

Ingestion validates each landing file against its entity's suite before loading it, so a bad
delivery never reaches `raw.<source>__<entity>` and the table keeps its last good data. Every
entity gets the same core, derived from its declared schema in `connectors.registry` (the public
list of what each source lands): the columns present, and its key not null and unique. A few
entities add ranges, plausible dates and the accepted values their source defines.

Blocking checks guard what would make the audit wrong (a lost or doubled row, a negative seat or
cost, an event dated in the future that would move the high-water mark past real events). Vendor
enums only warn: a vendor adding a status is news, not corruption, and staging maps what it knows.

Event keys: the loader drops identical copies of an event (a page read twice), so uniqueness is
checked on each key's distinct contents in the delivery: only an id with two contents blocks.
"""

from __future__ import annotations

from connectors.base import Entity
from connectors.registry import SOURCE_ENTITIES
from data_quality.fingerprint import quote
from data_quality.suites.common import (
    ENUM,
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    Check,
    Suite,
    expect,
    non_negative,
    not_null,
)

#: Columns the pipeline adds to a landing file (`_loaded_at` is added when it is loaded).
LANDING_METADATA = ("_source", "_extracted_at", "_run_id")
#: Clock skew and time zones allowed between a source's timestamps and our extraction time.
FUTURE_TOLERANCE = "interval 1 day"

KEY = "Without its key a row cannot be told apart, updated or joined, so it would be lost."
DUPLICATE = "A key delivered twice with different content would count the record twice."
SCHEMA = "A column missing or unknown means the source changed shape; staging would read nulls."
FUTURE = (
    "A date after the extraction is impossible; as an event time it would move the high-water "
    "mark past events not yet read."
)
VENDOR_ENUM = "A value the vendor did not document is news to map in staging, not a reason to stop."


def columns_match(entity: Entity) -> Check:
    """The landing file holds exactly the entity's columns plus the load metadata.

    Checked on `limit 0` of the delivery: GX needs only the column names, whatever its size.
    """
    columns = [*entity.schema.names, *LANDING_METADATA]
    return Check(
        "columns_match_schema",
        expect("ExpectTableColumnsToMatchSet", column_set=columns, exact_match=True),
        True,
        SCHEMA,
        relation="select * from {table} limit 0",
    )


#: The name of a raw suite's key check, which ingestion reads to load a delivery whose keys are
#: each once without looking for copies again (`pipelines.ingest.gate.keys_once`).
KEY_CHECK = "key_unique"


def key_unique(entity: Entity) -> Check:
    if len(entity.key) == 1:
        expectation = expect("ExpectColumnValuesToBeUnique", column=entity.key[0])
    else:
        expectation = expect("ExpectCompoundColumnsToBeUnique", column_list=list(entity.key))
    relation = None
    if entity.kind == "events":
        # Copies of one event (re-read where pages meet, or in a later window, whose metadata
        # columns differ) are one row: the relation holds each key once per content, the content
        # standing as a hash of the entity's columns. Distinct whole rows held every column of the
        # delivery in DuckDB's hash table: 21 of the 49 s that L's 27.8 million Okta sign-ins took
        # to audit. Two contents of one key pass only if their 64-bit hashes collide.
        keys = ", ".join(quote(column) for column in entity.key)
        content = ", ".join(quote(column) for column in entity.schema.names)
        relation = f"select distinct {keys}, hash({content}) as _content_hash from {{table}}"
    return Check(KEY_CHECK, expectation, True, DUPLICATE, relation=relation)


def holds(name: str, predicate: str, why: str, blocking: bool = True) -> Check:
    """`predicate` (SQL over the row) is true on every row where it is not null."""
    return Check(
        name,
        expect("ExpectColumnValuesToBeInSet", column=name, value_set=[True]),
        blocking,
        why,
        relation=f"select *, ({predicate}) as {name} from {{table}}",
    )


def not_in_future(column: str) -> Check:
    return holds(
        f"{column}_not_after_extraction",
        f"{column} <= _extracted_at + {FUTURE_TOLERANCE}",
        FUTURE,
    )


def between(column: str, low: float, high: float, why: str) -> Check:
    return Check(
        f"{column}_in_range",
        expect("ExpectColumnValuesToBeBetween", column=column, min_value=low, max_value=high),
        True,
        why,
    )


def one_of(column: str, values: list[str], why: str = VENDOR_ENUM, blocking: bool = False) -> Check:
    return Check(
        f"{column}_accepted",
        expect("ExpectColumnValuesToBeInSet", column=column, value_set=values),
        blocking,
        why,
    )


OKTA_USER_STATUSES = [
    "STAGED",
    "PROVISIONED",
    "ACTIVE",
    "RECOVERY",
    "PASSWORD_EXPIRED",
    "LOCKED_OUT",
    "SUSPENDED",
    "DEPROVISIONED",
]
OKTA_OUTCOMES = ["SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN"]

#: The checks an entity adds to its core, by raw table name.
EXTRA_CHECKS: dict[str, tuple[Check, ...]] = {
    "okta__users": (one_of("status", OKTA_USER_STATUSES),),
    "okta__user_changes": (one_of("status", OKTA_USER_STATUSES),),
    "okta__apps": (one_of("status", ["ACTIVE", "INACTIVE"]),),
    "okta__sso_events": (not_in_future("published"), one_of("outcome_result", OKTA_OUTCOMES)),
    "graph__subscribed_skus": (
        non_negative("consumed_units", NEGATIVE_COUNT),
        non_negative("prepaid_units_enabled", NEGATIVE_COUNT),
    ),
    "graph__users": (one_of("user_type", ["Member", "Guest"]),),
    "graph__sign_ins": (not_in_future("created_date_time"),),
    "google__token_activities": (not_in_future("id_time"),),
    "google__login_activities": (not_in_future("id_time"),),
    "servicenow__licenses": (non_negative("rights", NEGATIVE_COUNT),),
    "snipeit__licenses": (
        non_negative("seats", NEGATIVE_COUNT),
        non_negative("purchase_cost_numeric", NEGATIVE_MONEY),
    ),
    "snipeit__license_seats": (
        not_null("license_id", "A seat of no license counts towards no application's seats."),
    ),
    "files__contracts": (
        non_negative("seats", NEGATIVE_COUNT),
        non_negative("unit_price", NEGATIVE_MONEY),
        one_of("billing_period", ["monthly", "annual"], ENUM, blocking=True),
        holds(
            "ends_after_start",
            "end_date >= start_date",
            "A contract ending before it starts has no term to annualise its cost over.",
        ),
    ),
    "files__spend": (not_in_future("invoice_date"),),
    "files__survey_responses": (
        between("satisfaction", 1, 5, "Satisfaction is scored 1 to 5; other scores skew health."),
        not_in_future("submitted_at"),
    ),
    "files__objectives": (
        one_of("value_type", ["top_line", "bottom_line"], ENUM, blocking=True),
        one_of("business_mode", ["run", "grow"], ENUM, blocking=True),
        non_negative("annual_value", NEGATIVE_MONEY),
    ),
    "files__application_objectives": (
        between(
            "contribution_weight",
            0,
            1,
            "A weight is a share of an objective's value; outside [0, 1] it invents value.",
        ),
    ),
}


def raw_table_name(source: str, entity: Entity) -> str:
    return f"{source}__{entity.name}"


def core_suite(source: str, entity: Entity) -> Suite:
    """What every entity gets from its declared schema: its columns, its key present and unique."""
    return Suite(
        table=raw_table_name(source, entity),
        key=entity.key,
        checks=(
            columns_match(entity),
            *(not_null(column, KEY) for column in entity.key),
            key_unique(entity),
        ),
    )


def raw_suite(source: str, entity: Entity) -> Suite:
    """The suite of `entity` as `source` lands it: the core plus the entity's own checks.

    An entity the registry does not declare (a new connector's, a test's) gets the core only:
    its own checks name columns of the registered schema.
    """
    core = core_suite(source, entity)
    if entity not in SOURCE_ENTITIES.get(source, ()):
        return core
    return Suite(core.table, core.checks + EXTRA_CHECKS.get(core.table, ()), core.key)


RAW_SUITES: dict[str, Suite] = {
    raw_table_name(source, entity): raw_suite(source, entity)
    for source, entities in SOURCE_ENTITIES.items()
    for entity in entities
}
