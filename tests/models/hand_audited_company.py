"""A five-application company small enough to audit by hand, at AS_OF_DATE = 2026-10-31.

- Slack: in Okta, one active USD contract (10 seats at 8.75 a month), one expired contract, an
  invoice that must not be counted twice; sign-ins placed on the activity window boundaries.
- Microsoft Teams: in Okta, an EUR annual contract of 2 seats and 3 assignments (over-allocated);
  surveyed and mapped as "MS Teams", which only the alias file merges.
- Salesforce: in Okta, its contract starts after the audit date, so spend prices it; mapped to two
  objectives (and to one that does not exist).
- Figma: card spend only, in GBP and USD, lines on and around the 365-day boundary; shadow IT.
- Notion: named in the survey only.
"""

from __future__ import annotations

AS_OF_DATE = "2026-10-31"

OKTA_USERS = [
    {"id": "u1", "status": "ACTIVE", "profile_email": "ann@example.com"},
    {"id": "u2", "status": "ACTIVE", "profile_email": "bob@example.com"},
    {"id": "u3", "status": "ACTIVE", "profile_email": "cat@example.com"},
    {"id": "u4", "status": "DEPROVISIONED", "profile_email": "dan@example.com"},
    {"id": "u5", "status": "ACTIVE", "profile_email": "eve@example.com"},
]

OKTA_APPS = [
    {"id": "oa_slack", "name": "slack", "label": "Slack", "status": "ACTIVE"},
    {"id": "oa_teams", "name": "office365", "label": "Microsoft Teams", "status": "ACTIVE"},
    {"id": "oa_sfdc", "name": "salesforce", "label": "Salesforce", "status": "ACTIVE"},
]

OKTA_APP_USERS = [
    {"app_id": "oa_slack", "user_id": "u1", "status": "ACTIVE"},
    {"app_id": "oa_slack", "user_id": "u2", "status": "ACTIVE"},
    {"app_id": "oa_slack", "user_id": "u3", "status": "PROVISIONED"},
    {"app_id": "oa_slack", "user_id": "u4", "status": "ACTIVE"},  # deprovisioned user
    {"app_id": "oa_slack", "user_id": "u5", "status": "STAGED"},
    {"app_id": "oa_teams", "user_id": "u1", "status": "ACTIVE"},
    {"app_id": "oa_teams", "user_id": "u2", "status": "ACTIVE"},
    {"app_id": "oa_teams", "user_id": "u3", "status": "ACTIVE"},
    {"app_id": "oa_sfdc", "user_id": "u1", "status": "ACTIVE"},
]


def _sign_in(uuid: str, user: str, app: str, published: str, result: str = "SUCCESS") -> dict:
    return {
        "uuid": uuid,
        "published": published,
        "event_type": "user.authentication.sso",
        "actor_id": user,
        "target_app_id": app,
        "outcome_result": result,
    }


OKTA_SSO_EVENTS = [
    _sign_in("e1", "u1", "oa_slack", "2026-10-31 23:59:59"),  # the audit day: inside every window
    _sign_in("e2", "u2", "oa_slack", "2026-09-01 10:00:00"),  # exactly 60 days before: only 90d
    _sign_in("e3", "u3", "oa_slack", "2026-10-01 08:00:00"),  # exactly 30 days before: 60d, 90d
    _sign_in("e4", "u3", "oa_slack", "2026-10-20 08:00:00", result="FAILURE"),
    _sign_in("e5", "u5", "oa_slack", "2026-11-01 00:00:00"),  # after the audit date
    {**_sign_in("e6", "u2", "oa_slack", "2026-10-15 09:00:00"), "event_type": "user.session.start"},
    _sign_in("e7", "u1", "oa_sfdc", "2026-10-30 09:00:00"),
]

CONTRACTS = [
    {
        "contract_id": "C0",
        "vendor": "Slack Technologies",
        "product": "Slack",
        "category": "collaboration",
        "seats": 50,
        "unit_price": 80,
        "currency": "USD",
        "billing_period": "annual",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "owner_email": "old@example.com",
    },
    {
        "contract_id": "C1",
        "vendor": "Slack Technologies",
        "product": "Slack Technologies, LLC",
        "category": "collaboration",
        "seats": 10,
        "unit_price": 8.75,
        "currency": "USD",
        "billing_period": "monthly",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "owner_email": "ann@example.com",
    },
    {
        "contract_id": "C2",
        "vendor": "Microsoft Corporation",
        "product": "Microsoft Teams",
        "category": "collaboration",
        "seats": 2,
        "unit_price": 100,
        "currency": "EUR",
        "billing_period": "annual",
        "start_date": "2026-06-01",
        "end_date": "2027-05-31",
    },
    {
        "contract_id": "C3",
        "vendor": "Salesforce",
        "product": "Salesforce",
        "category": "crm",
        "seats": 5,
        "unit_price": 150,
        "currency": "USD",
        "billing_period": "monthly",
        "start_date": "2026-11-01",
        "end_date": "2027-10-31",
    },
]


def _spend(
    line_id: str,
    invoice_date: str,
    vendor: str,
    product: str | None,
    amount: float,
    currency: str = "USD",
    payment_method: str = "invoice",
) -> dict:
    return {
        "line_id": line_id,
        "invoice_date": invoice_date,
        "vendor": vendor,
        "product": product,
        "amount": amount,
        "currency": currency,
        "payment_method": payment_method,
    }


SPEND = [
    _spend("S1", "2026-03-01", "Slack Technologies", "slack.com", 1050),  # under contract C1
    _spend("S2", "2026-10-01", "Salesforce", "Salesforce", 500),
    _spend("F1", "2026-05-15", "Figma", "Figma, Inc.", 100, "GBP", "card"),
    _spend("F2", "2025-10-31", "Figma", "Figma, Inc.", 50, "GBP", "card"),  # 365 days before
    _spend("F3", "2026-09-10", "Figma", None, 20, payment_method="card"),
    _spend("F4", "2026-09-20", "Figma", "", -10, payment_method="card"),  # a credit note
    _spend("F5", "2026-11-05", "Figma", None, 70, payment_method="card"),  # after the audit date
]


def _answer(response_id: str, respondent: str, application: str, satisfaction: int) -> dict:
    return {
        "response_id": response_id,
        "submitted_at": "2026-10-01 12:00:00",
        "respondent_email": respondent,
        "application": application,
        "satisfaction": satisfaction,
    }


SURVEY_RESPONSES = [
    _answer("R1", "ann@example.com", "Slack", 5),
    _answer("R2", "bob@example.com", "MS Teams", 2),  # only the alias file says it is Teams
    _answer("R3", "cat@example.com", "figma", 4),
    _answer("R4", "cat@example.com", "Notion Labs Inc.", 4),
]

OBJECTIVES = [
    {
        "objective_id": "OBJ1",
        "name": "Grow the sales pipeline",
        "owner_title": "CMO",
        "value_type": "top_line",
        "business_mode": "grow",
        "kpi": "Qualified leads",
        "annual_value": 100000,
        "currency": "USD",
        "start_quarter": "2026-Q1",
        "horizon_quarters": 4,
    },
    {
        "objective_id": "OBJ2",
        "name": "Cut the cost of design work",
        "owner_title": "CFO",
        "value_type": "bottom_line",
        "business_mode": "run",
        "kpi": "Design hours per release",
        "annual_value": 20000,
        "currency": "EUR",
        "start_quarter": "2026-Q3",
        "horizon_quarters": 6,
    },
]

APPLICATION_OBJECTIVES = [
    {"application": "Salesforce", "objective_id": "OBJ1", "contribution_weight": 0.6},
    {"application": "Salesforce", "objective_id": "OBJ2", "contribution_weight": 0.2},
    {"application": "Salesforce", "objective_id": "OBJ9", "contribution_weight": 0.1},  # unknown
    {"application": "Figma", "objective_id": "OBJ2", "contribution_weight": 0.5},
    {"application": "MS Teams", "objective_id": "OBJ2", "contribution_weight": 0.1},
    {"application": "Microsoft Teams", "objective_id": "OBJ2", "contribution_weight": 0.3},
]

APPLICATION_ALIASES = [
    {"alias": "MS Teams", "application": "Microsoft Teams"},
]

RAW_ROWS = {
    "okta__users": OKTA_USERS,
    "okta__apps": OKTA_APPS,
    "okta__app_users": OKTA_APP_USERS,
    "okta__sso_events": OKTA_SSO_EVENTS,
    "files__contracts": CONTRACTS,
    "files__spend": SPEND,
    "files__survey_responses": SURVEY_RESPONSES,
    "files__objectives": OBJECTIVES,
    "files__application_objectives": APPLICATION_OBJECTIVES,
    "files__application_aliases": APPLICATION_ALIASES,
}
