"""The hand-audited company plus what the value marts need to show their rules, at 2026-10-31.

Added to hand_audited_company.py (whose rows keep their meaning):
- Teams sign-ins by ann (also active in Slack) and eve (only in Teams): Slack and Teams, both
  in category "collaboration", then have two active users each, ann in both.
- A second Slack answer from dan, who never signed in to Slack: an inactive respondent.
- Two CMDB records: "Slack Technologies" (a spelling no other source uses: found by match key)
  in operation, and Teams twice, the later record at end of life.
"""

from __future__ import annotations

import hand_audited_company as hand

AS_OF_DATE = hand.AS_OF_DATE

OKTA_SSO_EVENTS = [
    *hand.OKTA_SSO_EVENTS,
    hand._sign_in("v1", "u1", "oa_teams", "2026-10-20 09:00:00"),
    hand._sign_in("v2", "u5", "oa_teams", "2026-10-25 09:00:00"),
]

SURVEY_RESPONSES = [
    *hand.SURVEY_RESPONSES,
    hand._answer("V1", "dan@example.com", "Slack", 2),
]


def _business_app(sys_id: str, name: str, stage: str, updated: str) -> dict:
    return {
        "sys_id": sys_id,
        "name": name,
        "life_cycle_stage_display_value": stage,
        "sys_created_on": "2024-01-01 00:00:00",
        "sys_updated_on": updated,
    }


SERVICENOW_BUSINESS_APPS = [
    _business_app("sn1", "Slack Technologies", "Operational", "2026-01-01 00:00:00"),
    _business_app("sn2", "MS Teams", "Operational", "2025-01-01 00:00:00"),
    _business_app("sn3", "Microsoft Teams", "End of Life", "2026-09-01 00:00:00"),
]

RAW_ROWS = hand.RAW_ROWS | {
    "okta__sso_events": OKTA_SSO_EVENTS,
    "files__survey_responses": SURVEY_RESPONSES,
    "servicenow__business_apps": SERVICENOW_BUSINESS_APPS,
}
