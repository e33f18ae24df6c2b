"""A company whose sources spell and count its applications differently, at AS_OF_DATE 2026-10-31.

- Slack: "Slack" in Okta, the CMDB, ServiceNow SAM and Google; "Slack Technologies, LLC" on its
  contract (10 seats, owner ann@); "slack.com" on a card line. ServiceNow records 12 rights and
  bob@ as owner: a seat and an owner disagreement.
- MongoDB Atlas: its contract, and "Atlas" in the survey, which match_key would merge with the HR
  tool Atlas Labs; the shipped override seed sends it to MongoDB Atlas instead.
- Atlas Labs: an invoice only; shadow IT.
- Microsoft 365: a 100-seat contract; Entra's E3 (100) and Visio add-on (20) units make 120;
  Snipe-IT's "Office 365" license (100 seats) joins through the alias file.
- Otter.ai: a card line in the look-back and one before it, OAuth grants and use by two people,
  a consented Entra app with one successful and one failed sign-in, a survey answer ("OTTER.AI");
  shadow IT.
- Gamma: one OAuth grant; shadow IT. Whimsical: an Entra app with SAML set up (sanctioned).
  Workday: in the CMDB only (sanctioned).
- Entra also lists Microsoft's Exchange Online and the tenant's own audit app: no applications.
"""

from __future__ import annotations

AS_OF_DATE = "2026-10-31"
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

OKTA_APPS = [{"id": "oa_slack", "name": "slack", "label": "Slack", "status": "ACTIVE"}]

CONTRACTS = [
    {
        "contract_id": "K1",
        "vendor": "Slack Technologies",
        "product": "Slack Technologies, LLC",
        "category": "collaboration",
        "seats": 10,
        "unit_price": 8,
        "currency": "USD",
        "billing_period": "monthly",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "owner_email": "Ann@Example.com ",
    },
    {
        "contract_id": "K2",
        "vendor": "MongoDB",
        "product": "MongoDB Atlas",
        "category": "engineering",
        "seats": 5,
        "unit_price": 100,
        "currency": "USD",
        "billing_period": "annual",
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
    },
    {
        "contract_id": "K3",
        "vendor": "Microsoft Corporation",
        "product": "Microsoft 365",
        "category": "productivity",
        "seats": 100,
        "unit_price": 30,
        "currency": "USD",
        "billing_period": "annual",
        "start_date": "2026-05-01",
        "end_date": "2027-04-30",
        "owner_email": "cio@example.com",
    },
]


def _spend(line_id: str, date: str, vendor: str, product: str | None, amount: int, method: str):
    return {
        "line_id": line_id,
        "invoice_date": date,
        "vendor": vendor,
        "product": product,
        "amount": amount,
        "currency": "USD",
        "payment_method": method,
    }


SPEND = [
    _spend("L1", "2026-02-01", "slack.com", None, 96, "card"),
    _spend("L2", "2026-04-01", "Atlas Labs", "Atlas Labs", 200, "invoice"),
    _spend("L3", "2026-09-15", "Otter.ai", None, 30, "card"),
    _spend("L4", "2025-06-01", "Otter.ai", None, 20, "card"),  # before the 365-day look-back
]

SURVEY_RESPONSES = [
    {
        "response_id": "R1",
        "submitted_at": "2026-10-01 12:00:00",
        "respondent_email": "ann@example.com",
        "application": "OTTER.AI",
        "satisfaction": 4,
    },
    {
        "response_id": "R2",
        "submitted_at": "2026-10-01 12:00:00",
        "respondent_email": "bob@example.com",
        "application": "Atlas",
        "satisfaction": 5,
    },
]

APPLICATION_ALIASES = [{"alias": "Office 365", "application": "Microsoft 365"}]


def _principal(object_id: str, name: str, tenant: str | None, **extra) -> dict:
    return {
        "id": object_id,
        "app_id": f"appid-{object_id}",
        "display_name": name,
        "service_principal_type": "Application",
        "app_owner_organization_id": tenant,
        "sign_in_audience": "AzureADMultipleOrgs",
        "app_role_assignment_required": False,
    } | extra


SERVICE_PRINCIPALS = [
    _principal("sp1", "Office 365 Exchange Online", MICROSOFT_TENANT),
    _principal("sp2", "Larkspur Software Audit", "own-tenant", sign_in_audience="AzureADMyOrg"),
    _principal("sp3", "Otter.ai", "otter-tenant"),  # consented by users, nothing set up
    _principal("sp4", "Whimsical", "whimsical-tenant", preferred_single_sign_on_mode="saml"),
]


def _sku(sku_id: str, part_number: str, enabled: int) -> dict:
    return {
        "id": f"tenant_{sku_id}",
        "sku_id": sku_id,
        "sku_part_number": part_number,
        "capability_status": "Enabled",
        "prepaid_units_enabled": enabled,
    }


SUBSCRIBED_SKUS = [
    _sku("e3", "SPE_E3", 100),
    _sku("vi", "VISIOCLIENT", 20),
    _sku("bi", "POWER_BI_STANDARD", 1_000_000),  # free: not in the SKU seed
]


def _sign_in(sign_in_id: str, user: str, app_id: str, at: str, error_code: int = 0) -> dict:
    return {
        "id": sign_in_id,
        "created_date_time": at,
        "user_principal_name": user,
        "app_id": app_id,
        "status_error_code": error_code,
    }


SIGN_INS = [
    _sign_in("g1", "cat@example.com", "appid-sp3", "2026-10-05 09:00:00"),
    _sign_in("g2", "dan@example.com", "appid-sp3", "2026-10-06 09:00:00", error_code=50126),
    _sign_in("g3", "cat@example.com", "appid-sp1", "2026-10-06 09:00:00"),
]


def _token(qualifier: str, user: str, app: str, at: str, event: str = "authorize") -> dict:
    return {
        "id_time": at,
        "id_unique_qualifier": qualifier,
        "event_index": 0,
        "actor_email": user,
        "event_name": event,
        "app_name": app,
    }


TOKEN_ACTIVITIES = [
    _token("t1", "ann@example.com", "Otter.ai", "2026-10-01 10:00:00"),
    _token("t2", "Ann@Example.com", "Otter.ai", "2026-10-02 10:00:00", event="activity"),
    _token("t3", "bob@example.com", "Otter.ai", "2026-10-10 10:00:00"),
    _token("t4", "eve@example.com", "Otter.ai", "2026-11-02 10:00:00"),  # after the audit date
    _token("t5", "bob@example.com", "Gamma", "2026-08-01 10:00:00"),
    _token("t6", "ann@example.com", "Slack", "2026-10-03 10:00:00", event="activity"),
]

BUSINESS_APPS = [
    {
        "sys_id": "ba1",
        "name": "Slack",
        "owned_by_email": "bob@example.com",
        "install_status": "1",
        "install_status_display_value": "Installed",
    },
    {
        "sys_id": "ba2",
        "name": "Workday",
        "owned_by_email": "hr@example.com",
        "install_status": "1",
        "install_status_display_value": "Installed",
    },
]

SERVICENOW_LICENSES = [
    {
        "sys_id": "sn1",
        "software_model_display_value": "Slack",
        "rights": 12,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
    },
    {
        "sys_id": "sn0",
        "software_model_display_value": "Slack",
        "rights": 50,
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",  # expired: not in force
    },
]

SNIPEIT_LICENSES = [
    {
        "id": 1,
        "name": "Office 365",
        "seats": 100,
        "free_seats_count": 3,
        "purchase_date": "2026-05-01",
        "expiration_date": "2027-04-30",
    },
]

RAW_ROWS = {
    "okta__apps": OKTA_APPS,
    "files__contracts": CONTRACTS,
    "files__spend": SPEND,
    "files__survey_responses": SURVEY_RESPONSES,
    "files__application_aliases": APPLICATION_ALIASES,
    "graph__service_principals": SERVICE_PRINCIPALS,
    "graph__subscribed_skus": SUBSCRIBED_SKUS,
    "graph__sign_ins": SIGN_INS,
    "google__token_activities": TOKEN_ACTIVITIES,
    "servicenow__business_apps": BUSINESS_APPS,
    "servicenow__licenses": SERVICENOW_LICENSES,
    "snipeit__licenses": SNIPEIT_LICENSES,
}
