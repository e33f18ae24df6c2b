"""The hand-audited company refreshed twice: as of 2026-10-31, then as of 2027-01-31 after changes.

Between the refreshes procurement renews Slack's contract C1 in place for 2027 with 6 seats
instead of 10 (same contract_id, end date a year later), signs a new Zoom contract, and the
strategy office lowers Figma's weight on OBJ2 from 0.5 to 0.4. Everything else is unchanged.
"""

from __future__ import annotations

import hand_audited_company as company

FIRST_AS_OF_DATE = company.AS_OF_DATE
SECOND_AS_OF_DATE = "2027-01-31"

FIRST_RAW_ROWS = company.RAW_ROWS

C1_RENEWED = {
    **next(c for c in company.CONTRACTS if c["contract_id"] == "C1"),
    "seats": 6,
    "start_date": "2027-01-01",
    "end_date": "2027-12-31",
}
ZOOM = {
    "contract_id": "Z1",
    "vendor": "Zoom Video Communications",
    "product": "Zoom",
    "category": "collaboration",
    "seats": 3,
    "unit_price": 15,
    "currency": "USD",
    "billing_period": "monthly",
    "start_date": "2027-01-01",
    "end_date": "2027-12-31",
    "owner_email": "bob@example.com",
}

SECOND_RAW_ROWS = company.RAW_ROWS | {
    "files__contracts": [
        C1_RENEWED if contract["contract_id"] == "C1" else contract
        for contract in company.CONTRACTS
    ]
    + [ZOOM],
    "files__application_objectives": [
        {**mapping, "contribution_weight": 0.4}
        if (mapping["application"], mapping["objective_id"]) == ("Figma", "OBJ2")
        else mapping
        for mapping in company.APPLICATION_OBJECTIVES
    ],
}
