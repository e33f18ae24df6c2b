"""The company contains the findings it was built to show, checked against the data itself.

`match_key` is re-implemented here from the team brief, independently of the generator's, so a
drift between the two (and so between the generator and dbt) fails these tests.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pyarrow.compute as pc
import pytest

import sample_company
from sample_company.organisation import EXECUTIVE_TITLES

LEGAL_WORDS = {
    "inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company",
    "technologies", "technology", "software", "labs", "plc", "sa", "ag",
}  # fmt: skip


def brief_match_key(name: str) -> str:
    text = name.lower().strip()
    for prefix in ("http://", "https://"):
        text = text.removeprefix(prefix)
    text = text.removeprefix("www.")
    for suffix in (".com", ".io", ".ai", ".net", ".org", ".co", ".app"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in LEGAL_WORDS]
    return "".join(words)


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Slack", "slack"),
        ("Slack Technologies, LLC", "slack"),
        ("slack.com", "slack"),
        ("Microsoft Teams", "microsoftteams"),
        ("https://www.Monday.com", "monday"),
        ("MS Teams", "msteams"),
    ],
)
def test_the_reimplemented_rule_follows_the_brief_examples(spelling, key):
    assert brief_match_key(spelling) == key


def _source_spellings(company) -> dict[str, list[str]]:
    card = pc.equal(company.spend.column("payment_method"), "card")
    return {
        "okta_apps.label": company.okta_apps.column("label").to_pylist(),
        "contracts.product": company.contracts.column("product").to_pylist(),
        "spend.product": [p for p in company.spend.column("product").to_pylist() if p],
        "spend.vendor (card)": company.spend.filter(card).column("vendor").to_pylist(),
        "survey_responses.application": company.survey_responses.column("application").to_pylist(),
        "application_objectives.application": company.application_objectives.column(
            "application"
        ).to_pylist(),
    }


def _resolver(company):
    canonical = {
        brief_match_key(n): n for n in company.applications.column("application").to_pylist()
    }
    aliases = dict(
        zip(
            company.application_aliases.column("alias").to_pylist(),
            company.application_aliases.column("application").to_pylist(),
            strict=True,
        )
    )

    def resolve(spelling: str) -> str | None:
        if brief_match_key(spelling) in canonical:
            return canonical[brief_match_key(spelling)]
        return aliases.get(spelling)

    return resolve


def _truth(company) -> list[dict]:
    return company.applications.to_pylist()


def test_applications_have_distinct_match_keys_equal_to_the_brief_rule(tiny):
    keys = [brief_match_key(a["application"]) for a in _truth(tiny)]

    assert keys == [a["application_key"] for a in _truth(tiny)]
    assert len(set(keys)) == len(keys)


def test_every_spelling_in_every_source_resolves_to_one_application(tiny):
    resolve = _resolver(tiny)

    for source, spellings in _source_spellings(tiny).items():
        unresolved = sorted({s for s in spellings if resolve(s) is None})
        assert unresolved == [], source


def test_the_generators_spelling_truth_agrees_with_the_brief_rule(tiny):
    resolve = _resolver(tiny)

    for row in tiny.application_spellings.to_pylist():
        assert resolve(row["spelling"]) == row["application"], row
        by_rule = brief_match_key(row["spelling"]) == brief_match_key(row["application"])
        assert by_rule == (row["resolved_by"] != "alias"), row


def test_slack_is_spelt_three_ways_that_the_rule_merges(tiny):
    spellings = _source_spellings(tiny)

    assert "Slack" in spellings["okta_apps.label"]
    assert "Slack Technologies, LLC" in spellings["contracts.product"]
    assert "slack.com" in spellings["spend.vendor (card)"]


def test_applications_appear_in_several_sources_under_different_spellings(tiny):
    resolve = _resolver(tiny)
    spellings_of = defaultdict(set)
    for spellings in _source_spellings(tiny).values():
        for spelling in spellings:
            spellings_of[resolve(spelling)].add(spelling)

    assert sum(len(s) >= 3 for s in spellings_of.values()) >= 5


def test_a_handful_of_spellings_need_the_aliases_file_and_each_alias_is_used(tiny):
    used = {s for spellings in _source_spellings(tiny).values() for s in spellings}
    aliases = tiny.application_aliases.to_pylist()

    assert 3 <= len(aliases) <= 6
    for row in aliases:
        assert brief_match_key(row["alias"]) != brief_match_key(row["application"]), row
        assert row["alias"] in used, row
    assert {"MS Teams", "GSuite"} <= {row["alias"] for row in aliases}


def test_unused_applications_are_licensed_and_assigned_but_nobody_signs_in(tiny, tiny_events):
    successes = tiny_events.filter(pc.equal(tiny_events.column("outcome_result"), "SUCCESS"))
    signed_in = set(successes.column("target_app_id").to_pylist())
    live = [a for a in _truth(tiny) if a["in_okta"] and not a["is_retired"]]

    unused = [a for a in live if a["is_unused"]]
    assert {a["application"] for a in unused} >= {"Webex", "Looker"}
    for app in unused:
        assert app["active_seats"] > 0, app
        assert app["assigned_users"] > 0, app
    assert {a["okta_app_id"] for a in live if a["okta_app_id"] not in signed_in} == {
        a["okta_app_id"] for a in unused
    }


def test_over_allocated_applications_have_more_assigned_users_than_seats(tiny):
    over = {
        a["application"]
        for a in _truth(tiny)
        if a["has_contract"] and a["active_seats"] and a["assigned_users"] > a["active_seats"]
    }

    assert over == {a["application"] for a in _truth(tiny) if a["is_over_allocated"]}
    assert {"Figma", "Miro"} <= over


def test_truth_counts_match_the_okta_assignments_and_the_contracts(tiny):
    assigned = pc.value_counts(tiny.okta_app_users.column("app_id")).to_pylist()
    counts = {row["values"]: row["counts"] for row in assigned}
    seats = defaultdict(int)
    for c in tiny.contracts.to_pylist():
        if c["start_date"] <= tiny.as_of <= c["end_date"]:
            seats[brief_match_key(c["product"])] += c["seats"]

    for app in _truth(tiny):
        assert app["assigned_users"] == counts.get(app["okta_app_id"], 0), app
        assert app["active_seats"] == seats[app["application_key"]], app


def test_shadow_applications_only_show_up_in_card_expenses_and_survey_answers(tiny):
    resolve = _resolver(tiny)
    spellings = _source_spellings(tiny)
    sanctioned_sources = ("okta_apps.label", "contracts.product", "spend.product")
    sanctioned = {resolve(s) for source in sanctioned_sources for s in spellings[source]}
    informal = {
        resolve(s)
        for source in ("spend.vendor (card)", "survey_responses.application")
        for s in spellings[source]
    }

    shadow = {a["application"] for a in _truth(tiny) if not a["is_sanctioned"]}
    assert len(shadow) >= 5
    assert shadow.isdisjoint(sanctioned)
    assert shadow <= informal


def test_categories_hold_overlapping_sanctioned_tools(tiny):
    by_category = defaultdict(set)
    for app in _truth(tiny):
        by_category[app["category"]].add(app["application"])

    assert {"Zoom", "Webex", "Google Meet"} <= by_category["Video Conferencing"]
    assert {"Asana", "Monday.com", "Trello", "Jira"} <= by_category["Project Management"]


def test_contribution_weights_of_an_objective_sum_to_at_most_one(tiny):
    totals = defaultdict(Decimal)
    for row in tiny.application_objectives.to_pylist():
        assert Decimal(0) < row["contribution_weight"] <= Decimal(1), row
        totals[row["objective_id"]] += row["contribution_weight"]

    assert totals
    assert all(total <= 1 for total in totals.values())
    assert set(totals) <= set(tiny.objectives.column("objective_id").to_pylist())


def test_some_sanctioned_applications_serve_no_objective(tiny):
    resolve = _resolver(tiny)
    aligned = {resolve(a) for a in tiny.application_objectives.column("application").to_pylist()}
    sanctioned = {a["application"] for a in _truth(tiny) if a["is_sanctioned"]}

    assert sanctioned - aligned
    assert aligned <= sanctioned


def test_objectives_cover_the_next_eight_quarters_and_belong_to_executives(tiny):
    objectives = tiny.objectives.to_pylist()
    executives = {
        u["profile_title"]: f"{u['profile_first_name']} {u['profile_last_name']}"
        for u in tiny.okta_users.to_pylist()
        if u["profile_title"] in EXECUTIVE_TITLES
    }
    quarter = re.compile(r"^20\d\d-Q[1-4]$")

    assert 16 <= len(objectives) <= 24
    assert set(executives) == set(EXECUTIVE_TITLES)
    assert {o["value_type"] for o in objectives} == {"top_line", "bottom_line"}
    assert {o["business_mode"] for o in objectives} == {"run", "grow"}
    assert {o["currency"] for o in objectives} == {"USD", "EUR"}
    for o in objectives:
        assert executives[o["owner_title"]] == o["owner_name"], o
        assert quarter.match(o["start_quarter"])
        assert "2026-Q4" <= o["start_quarter"] <= "2027-Q3"
        assert 1 <= o["horizon_quarters"] <= 8
        assert o["annual_value"] > 0


def test_contracts_are_mostly_annual_and_active_with_some_expired_and_some_renewing(tiny):
    contracts = tiny.contracts.to_pylist()
    as_of = tiny.as_of
    active = [c for c in contracts if c["start_date"] <= as_of <= c["end_date"]]
    renewing = [c for c in active if c["end_date"] <= as_of + timedelta(days=180)]
    expired = [c for c in contracts if c["end_date"] < as_of]
    annual = [c for c in contracts if c["billing_period"] == "annual"]
    products = defaultdict(set)
    for c in active:
        products[c["product"]].add(c["sku"])

    assert len(active) > len(contracts) / 2
    assert renewing
    assert expired
    assert len(annual) > len(contracts) / 2
    assert {c["billing_period"] for c in contracts} == {"annual", "monthly"}
    assert {c["currency"] for c in contracts} <= {"USD", "EUR", "GBP"}
    assert any(len(skus) > 1 for skus in products.values())
    assert any(c["owner_email"] is None for c in contracts)
    assert all(c["seats"] > 0 and c["unit_price"] > 0 for c in contracts)


def test_spend_spans_a_year_of_invoices_card_expenses_and_credit_notes(tiny):
    lines = tiny.spend.to_pylist()
    methods = defaultdict(list)
    for line in lines:
        methods[line["payment_method"]].append(line)

    assert set(methods) == {"invoice", "card"}
    assert any(line["amount"] < 0 for line in methods["invoice"])
    assert all(line["product"] is None for line in methods["card"])
    dates = [line["invoice_date"] for line in lines]
    assert min(dates) <= date(2025, 10, 31)
    assert max(dates) <= tiny.as_of


def test_people_include_service_accounts_leavers_and_joiners(tiny):
    users = tiny.okta_users.to_pylist()
    employees = [u for u in users if u["profile_user_type"] == "employee"]
    recent = tiny.as_of - timedelta(days=30)
    email = re.compile(rf"^[a-z]+\.[a-z]+\d*@{re.escape(tiny.domain)}$")

    assert any(u["profile_user_type"] == "service" for u in users)
    assert any(u["status"] == "DEPROVISIONED" for u in employees)
    assert any(u["created"].date() >= recent for u in employees)
    assert all(email.match(u["profile_email"]) for u in employees)
    assert len({u["profile_department"] for u in employees}) >= 10


def test_every_manager_is_a_known_user_and_managers_are_not_leavers(tiny):
    users = {u["id"]: u for u in tiny.okta_users.to_pylist()}

    managed = [u for u in users.values() if u["profile_manager_id"]]
    assert len(managed) == sum(u["profile_user_type"] == "employee" for u in users.values()) - 1
    for user in managed:
        assert users[user["profile_manager_id"]]["status"] == "ACTIVE", user


def test_survey_answers_come_from_employees_with_valid_scores(tiny):
    emails = set(tiny.okta_users.column("profile_email").to_pylist())
    answers = tiny.survey_responses.to_pylist()

    assert answers
    assert all(a["respondent_email"] in emails for a in answers)
    assert {a["satisfaction"] for a in answers} <= {1, 2, 3, 4, 5}


@pytest.mark.parametrize("scale", ["tiny", "S"])
def test_every_contract_starts_on_or_before_its_end(scale: str) -> None:
    # Regression: an add-on SKU of a lapsed contract could start after the contract had ended.
    contracts = sample_company.generate(scale).contracts.to_pylist()

    inverted = [c["contract_id"] for c in contracts if c["start_date"] > c["end_date"]]

    assert inverted == []
