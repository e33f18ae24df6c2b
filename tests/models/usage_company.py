"""A company whose license position is worked out by hand, at AS_OF_DATE = 2026-10-31.

- Zoom: in Okta; contracts for 4 PRO seats (120 a year each) and 1 BUSINESS seat (240), so 5
  seats for 720. Six seats assigned: Ann (Okta sign-in yesterday), Bob (Entra sign-in to "ZOOM"
  21 days ago), Eve (a Google "Sign in with Google" grant 46 days ago), a service account (signs
  in daily, never a user), a new joiner provisioned 6 days ago (exempt) and Dan (never active).
- Microsoft 365: under contract for 3 SPE_E3 seats at 20 a month; Entra reports the SKU with 3
  units enabled and 2 consumed (Ann and Bob); Ann and Cat sign in through Entra, Bob only fails.
- Google Workspace: under contract for 2 seats at 100 a year; Ann logs in to Google, Bob fails.
"""

from __future__ import annotations

AS_OF_DATE = "2026-10-31"
E3_SKU_ID = "05e9a617-0261-4cee-bb44-138d3ef5d965"

OKTA_USERS = [
    {"id": "u_ann", "status": "ACTIVE", "profile_email": "ann@example.com"},
    {"id": "u_bob", "status": "ACTIVE", "profile_email": "bob@example.com"},
    {"id": "u_dan", "status": "ACTIVE", "profile_email": "dan@example.com"},
    {"id": "u_eve", "status": "ACTIVE", "profile_email": "eve@example.com"},
    {"id": "u_new", "status": "ACTIVE", "profile_email": "new@example.com"},
    {
        "id": "u_rec",
        "status": "ACTIVE",
        "profile_email": "recorder@example.com",
        "profile_user_type": "service",
    },
]

OKTA_APPS = [{"id": "oa_zoom", "name": "zoomus", "label": "Zoom", "status": "ACTIVE"}]


def _assignment(user: str, created: str = "2026-01-05 09:00:00") -> dict:
    return {"app_id": "oa_zoom", "user_id": user, "status": "ACTIVE", "created": created}


OKTA_APP_USERS = [
    _assignment("u_ann"),
    _assignment("u_bob"),
    _assignment("u_dan"),
    _assignment("u_eve"),
    _assignment("u_rec"),
    _assignment("u_new", created="2026-10-25 09:00:00"),  # within the 30-day grace
]

OKTA_SSO_EVENTS = [
    {
        "uuid": "o1",
        "published": "2026-10-30 09:00:00",
        "event_type": "user.authentication.sso",
        "actor_id": "u_ann",
        "target_app_id": "oa_zoom",
        "outcome_result": "SUCCESS",
    },
    {
        "uuid": "o2",
        "published": "2026-10-31 03:00:00",
        "event_type": "user.authentication.sso",
        "actor_id": "u_rec",
        "target_app_id": "oa_zoom",
        "outcome_result": "SUCCESS",
    },
]


def _sign_in(sign_in: str, user: str, app: str, day: str, error_code: int = 0) -> dict:
    return {
        "id": sign_in,
        "created_date_time": f"{day} 10:00:00",
        "user_id": user,
        "user_principal_name": f"{user}@example.com",
        "app_display_name": app,
        "client_app_used": "Browser",
        "status_error_code": error_code,
    }


GRAPH_SIGN_INS = [
    _sign_in("g1", "bob", "ZOOM", "2026-10-10"),
    _sign_in("g2", "ann", "Microsoft 365", "2026-10-20"),
    _sign_in("g3", "cat", "Microsoft 365", "2026-10-21"),
    _sign_in("g4", "bob", "Microsoft 365", "2026-10-22", error_code=50126),
]

GRAPH_USERS = [
    {
        "id": "ann",
        "user_principal_name": "ann@example.com",
        "assigned_licenses_sku_ids": [E3_SKU_ID],
    },
    {
        "id": "bob",
        "user_principal_name": "bob@example.com",
        "assigned_licenses_sku_ids": [E3_SKU_ID],
    },
    {"id": "cat", "user_principal_name": "cat@example.com", "assigned_licenses_sku_ids": []},
]

GRAPH_SUBSCRIBED_SKUS = [
    {
        "id": f"tenant_{E3_SKU_ID}",
        "sku_id": E3_SKU_ID,
        "sku_part_number": "SPE_E3",
        "applies_to": "User",
        "capability_status": "Enabled",
        "consumed_units": 2,
        "prepaid_units_enabled": 3,
    },
]


def _google(qualifier: str, email: str, event_name: str, at: str, **fields: str) -> dict:
    return {
        "id_time": at,
        "id_unique_qualifier": qualifier,
        "event_index": 0,
        "actor_email": email,
        "event_name": event_name,
        **fields,
    }


GOOGLE_TOKEN_ACTIVITIES = [
    _google("t1", "Eve@Example.com", "authorize", "2026-09-15 08:00:00", app_name="Zoom"),
]

GOOGLE_LOGIN_ACTIVITIES = [
    _google("l1", "ann@example.com", "login_success", "2026-10-31 08:00:00"),
    _google("l2", "bob@example.com", "login_failure", "2026-10-31 08:00:00"),
]


def _contract(contract_id: str, product: str, sku: str, seats: int, price: float, period: str):
    return {
        "contract_id": contract_id,
        "vendor": product,
        "product": product,
        "sku": sku,
        "seats": seats,
        "unit_price": price,
        "currency": "USD",
        "billing_period": period,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
    }


CONTRACTS = [
    _contract("Z1", "Zoom", "PRO", 4, 120, "annual"),
    _contract("Z2", "Zoom", "BUSINESS", 1, 240, "annual"),
    _contract("M1", "Microsoft 365", "SPE_E3", 3, 20, "monthly"),
    _contract("G1", "Google Workspace", "BUSINESS_STANDARD", 2, 100, "annual"),
]

RAW_ROWS = {
    "okta__users": OKTA_USERS,
    "okta__apps": OKTA_APPS,
    "okta__app_users": OKTA_APP_USERS,
    "okta__sso_events": OKTA_SSO_EVENTS,
    "graph__sign_ins": GRAPH_SIGN_INS,
    "graph__users": GRAPH_USERS,
    "graph__subscribed_skus": GRAPH_SUBSCRIBED_SKUS,
    "google__token_activities": GOOGLE_TOKEN_ACTIVITIES,
    "google__login_activities": GOOGLE_LOGIN_ACTIVITIES,
    "files__contracts": CONTRACTS,
}
