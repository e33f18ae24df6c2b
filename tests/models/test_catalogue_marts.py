"""The catalogue marts, built by `dbt build` on catalogue_company.py: spellings merged across every
source, the override seed, the facts the sources disagree on, and shadow IT with its evidence.

Expected figures are worked out by hand from catalogue_company.py; the shadow-IT evidence is also
recomputed in Python from the raw rows, independently of the SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import catalogue_company as company
import duckdb
import pytest

from data_quality.runner import validate_table
from data_quality.suites.catalogue import SUITES

AS_OF = date.fromisoformat(company.AS_OF_DATE)
LOOKBACK_DAYS = 365  # var spend_lookback_days


def application_id(match_key: str) -> str:
    return "app_" + hashlib.md5(match_key.encode()).hexdigest()[:12]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """Lands the company's raw tables and runs `dbt build` on them once for the module."""
    data_dir = tmp_path_factory.mktemp("catalogue_data")
    return dbt_harness.build_company(data_dir, company.RAW_ROWS, company.AS_OF_DATE)


@pytest.fixture(scope="module")
def warehouse(build: Path, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    with dbt_harness.open_warehouse(build) as connection:
        yield connection


def by_name(warehouse: duckdb.DuckDBPyConnection, mart: str) -> dict[str, dict[str, Any]]:
    cursor = warehouse.execute(f"select * from marts.{mart}")
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["application_name"]: row for row in rows}


def reconciliation(warehouse: duckdb.DuckDBPyConnection) -> dict[tuple, dict[str, Any]]:
    cursor = warehouse.execute("select * from marts.source_reconciliation")
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(r["application_name"], r["attribute_name"], r["source_system"]): r for r in rows}


def test_the_catalogue_holds_each_real_application_once(warehouse) -> None:
    assert sorted(by_name(warehouse, "applications")) == [
        "Atlas Labs",
        "Gamma",
        "Microsoft 365",
        "MongoDB Atlas",
        "Otter.ai",
        "Slack",
        "Whimsical",
        "Workday",
    ]


def test_slack_spelt_three_ways_across_five_sources_is_one_application(warehouse) -> None:
    slack = by_name(warehouse, "applications")["Slack"]

    assert slack["application_id"] == application_id("slack")
    assert slack["source_systems"] == "contracts, google, okta, servicenow, spend"
    assert slack["source_count"] == 5
    assert (slack["match_rule"], slack["match_rules"]) == ("match_key", "match_key")


def test_the_override_seed_splits_atlas_from_atlas_labs_into_mongodb_atlas(warehouse) -> None:
    applications = by_name(warehouse, "applications")

    atlas = applications["MongoDB Atlas"]
    assert atlas["source_systems"] == "contracts, survey"  # the survey's "Atlas"
    assert (atlas["match_rule"], atlas["match_rules"]) == ("override", "exact, override")
    labs = applications["Atlas Labs"]
    assert labs["match_key"] == "atlas"
    assert (labs["source_systems"], labs["match_rule"]) == ("spend", "exact")


def test_the_alias_file_brings_snipe_it_s_office_365_into_microsoft_365(warehouse) -> None:
    m365 = by_name(warehouse, "applications")["Microsoft 365"]

    assert m365["source_systems"] == "contracts, graph, snipeit"
    assert (m365["match_rule"], m365["match_rules"]) == ("alias_file", "alias_file, exact")


def test_sanctioned_means_some_source_shows_it_managing_the_application(warehouse) -> None:
    applications = by_name(warehouse, "applications")

    sanctioned = {name for name, row in applications.items() if row["is_sanctioned"]}
    # Whimsical has SAML set up in Entra and Workday is in the CMDB; Otter.ai's Entra app was
    # only consented to by users, and OAuth grants, spend and answers sanction nothing
    assert sanctioned == {"Microsoft 365", "MongoDB Atlas", "Slack", "Whimsical", "Workday"}


def test_seat_counts_are_compared_with_the_contracts(warehouse) -> None:
    rows = reconciliation(warehouse)

    slack_servicenow = rows[("Slack", "seats_purchased", "servicenow")]
    assert (slack_servicenow["source_seats"], slack_servicenow["reference_seats"]) == (12, 10)
    assert slack_servicenow["seat_difference"] == 2  # its expired entitlement is not counted
    assert not slack_servicenow["is_in_agreement"]
    # Entra's E3 (100) and Visio add-on (20) units against 100 contracted seats
    assert rows[("Microsoft 365", "seats_purchased", "graph")]["seat_difference"] == 20
    assert rows[("Microsoft 365", "seats_purchased", "snipeit")]["is_in_agreement"]
    assert all(row["is_disputed"] for key, row in rows.items() if key[1] == "seats_purchased")


def test_owners_are_compared_after_trimming_and_lower_casing(warehouse) -> None:
    rows = reconciliation(warehouse)

    contract = rows[("Slack", "business_owner_email", "contracts")]
    cmdb = rows[("Slack", "business_owner_email", "servicenow")]
    assert (contract["source_value"], contract["is_reference"]) == ("ann@example.com", True)
    assert (cmdb["source_value"], cmdb["is_in_agreement"]) == ("bob@example.com", False)


def test_facts_only_one_source_reports_are_not_reconciled(warehouse) -> None:
    reconciled = {key[0] for key in reconciliation(warehouse)}

    # MongoDB Atlas's seats are only on its contract, Workday's owner only in the CMDB
    assert reconciled == {"Microsoft 365", "Slack"}


def test_shadow_it_lists_the_unsanctioned_applications_with_their_evidence(warehouse) -> None:
    shadow = by_name(warehouse, "shadow_it")

    assert sorted(shadow) == ["Atlas Labs", "Gamma", "Otter.ai"]
    otter = shadow["Otter.ai"]
    assert otter["source_systems"] == "google, graph, spend, survey"
    assert otter["has_card_spend"]
    assert (otter["first_seen_date"], otter["last_seen_date"]) == (
        date(2025, 6, 1),  # the card line before the look-back
        date(2026, 10, 10),  # not the OAuth grant after the audit date
    )
    assert shadow["Gamma"]["lookback_spend_usd"] == 0


def test_shadow_it_evidence_matches_an_independent_count_of_the_raw_rows(warehouse) -> None:
    otter = by_name(warehouse, "shadow_it")["Otter.ai"]
    start = AS_OF - timedelta(days=LOOKBACK_DAYS)

    def in_lookback(moment: str) -> bool:
        return start < datetime.fromisoformat(moment).date() <= AS_OF

    lines = [
        s for s in company.SPEND if s["vendor"] == "Otter.ai" and in_lookback(s["invoice_date"])
    ]
    oauth_users = {
        t["actor_email"].lower()
        for t in company.TOKEN_ACTIVITIES
        if t["app_name"] == "Otter.ai" and in_lookback(t["id_time"])
    }
    entra_users = {
        s["user_principal_name"]
        for s in company.SIGN_INS
        if s["app_id"] == "appid-sp3" and s["status_error_code"] == 0
    }
    assert otter["lookback_spend_line_count"] == len(lines)
    assert otter["lookback_spend_usd"] == Decimal(sum(s["amount"] for s in lines))
    assert otter["lookback_card_spend_usd"] == otter["lookback_spend_usd"]
    assert otter["oauth_user_count"] == len(oauth_users) == 2
    assert otter["entra_sign_in_user_count"] == len(entra_users) == 1
    assert otter["survey_respondent_count"] == 1


def test_shadow_it_spend_is_the_cost_the_catalogue_shows(warehouse) -> None:
    applications = by_name(warehouse, "applications")

    for name, row in by_name(warehouse, "shadow_it").items():
        assert row["lookback_spend_usd"] == applications[name]["annual_cost_usd"], name


def test_shadow_it_and_reconciliation_publish_no_end_user_address(warehouse) -> None:
    end_users = {"cat@example.com", "dan@example.com", "eve@example.com"}
    for mart in ("shadow_it", "source_reconciliation"):
        values = {
            str(value)
            for row in warehouse.execute(f"select * from marts.{mart}").fetchall()
            for value in row
        }
        assert not values & end_users, mart
    assert not any(
        "@" in str(v) for r in by_name(warehouse, "shadow_it").values() for v in r.values()
    )


@pytest.mark.parametrize("suite", SUITES, ids=lambda suite: suite.table)
def test_the_built_catalogue_marts_pass_the_blocking_checks_of_their_suites(
    warehouse, suite
) -> None:
    result = validate_table(warehouse, f"marts.{suite.table}", suite)

    # the untrimmed contract owner "Ann@Example.com " only warns on applications
    assert result.blocking_failures == [], result.summary()
    assert result.success
