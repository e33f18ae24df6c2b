"""Truth tables: what the generator knows about each application, for tests and benchmarks.

These are not inputs of the pipeline. They let a test check the pipeline's conclusions (this
application is unused, that spelling is Slack) against what the company was built to contain.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sample_company.applications import Application
from sample_company.catalogue import ALIASES
from sample_company.matching import match_key

APPLICATIONS_SCHEMA = pa.schema(
    [
        pa.field("application", pa.string(), nullable=False),  # the canonical name
        pa.field("application_key", pa.string(), nullable=False),  # match_key(application)
        pa.field("vendor", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("is_sanctioned", pa.bool_(), nullable=False),  # False: shadow IT
        pa.field("in_okta", pa.bool_(), nullable=False),
        pa.field("okta_app_id", pa.string()),
        pa.field("has_contract", pa.bool_(), nullable=False),  # any contract, even expired
        pa.field("is_unused", pa.bool_(), nullable=False),  # licensed, assigned, no sign-in
        pa.field("is_over_allocated", pa.bool_(), nullable=False),  # assigned > active seats
        pa.field("is_lapsed", pa.bool_(), nullable=False),  # its only contract has expired
        pa.field("is_retired", pa.bool_(), nullable=False),  # Okta app INACTIVE, no sign-in
        pa.field("assigned_users", pa.int64(), nullable=False),
        pa.field("active_seats", pa.int64(), nullable=False),  # seats of contracts on as_of
    ]
)

SPELLINGS_SCHEMA = pa.schema(
    [
        pa.field("application", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),  # <table>.<column> the spelling is in
        pa.field("spelling", pa.string(), nullable=False),
        pa.field("resolved_by", pa.string(), nullable=False),  # exact | match_key | alias
    ]
)


def applications_table(
    roster: list[Application], okta_ids: dict[int, str], assigned: np.ndarray, seats: np.ndarray
) -> pa.Table:
    rows = [
        {
            "application": a.name,
            "application_key": a.key,
            "vendor": a.vendor,
            "category": a.category,
            "is_sanctioned": a.is_sanctioned,
            "in_okta": a.in_okta,
            "okta_app_id": okta_ids.get(a.index),
            "has_contract": a.has_contract,
            "is_unused": a.is_unused,
            "is_over_allocated": a.is_over_allocated,
            "is_lapsed": a.is_lapsed,
            "is_retired": a.is_retired,
            "assigned_users": int(assigned[a.index]),
            "active_seats": int(seats[a.index]),
        }
        for a in roster
    ]
    return pa.Table.from_pylist(rows, schema=APPLICATIONS_SCHEMA)


def spellings_table(roster: list[Application], used: dict[str, list[tuple[int, str]]]) -> pa.Table:
    """Every distinct (application, source, spelling) that occurs in the generated inputs."""
    distinct = {
        (app, source, spelling) for source, pairs in used.items() for app, spelling in pairs
    }
    rows = sorted(
        (roster[app].name, source, spelling, _resolution(roster[app], spelling))
        for app, source, spelling in distinct
    )
    return pa.Table.from_pylist(
        [dict(zip(SPELLINGS_SCHEMA.names, row, strict=True)) for row in rows],
        schema=SPELLINGS_SCHEMA,
    )


def _resolution(app: Application, spelling: str) -> str:
    if spelling == app.name:
        return "exact"
    if match_key(spelling) == app.key:
        return "match_key"
    if ALIASES.get(spelling) == app.name:
        return "alias"
    raise ValueError(f"{spelling!r} does not resolve to {app.name!r}")
