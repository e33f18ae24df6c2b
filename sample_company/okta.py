"""The Okta org: the applications integrated with it, who is assigned to each, and when.

Assignments follow each application's audience (departments) and penetration; joiners who have
not activated their account yet only hold the birthright applications everyone gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.okta.entities import APP_USER_CHANGES, APP_USERS, APPS
from sample_company.applications import Application
from sample_company.catalogue import CORE_COUNT, SERVICE_CATEGORIES
from sample_company.ids import okta_ids, repeated_string, salt, stream, uuid_strings
from sample_company.payloads import json_object, json_string, okta_times
from sample_company.people import OKTA_ROLLOUT_DAYS_AGO, PROVISIONED, People
from sample_company.timeutil import US_PER_DAY, US_PER_HOUR, day_start

_SIGN_ON_MODES = ("SAML_2_0", "OPENID_CONNECT", "AUTO_LOGIN")
_FEATURES = ("[]", '["PUSH_NEW_USERS","PUSH_USER_DEACTIVATION","PUSH_PROFILE_UPDATES"]')
MEMBERSHIP_ADD = "application.user_membership.add"


@dataclass(frozen=True, eq=False)
class OktaOrg:
    """The Okta tables, plus the index arrays the sign-in model and the truth tables need."""

    apps: pa.Table
    app_users: pa.Table
    roster_index: np.ndarray  # Okta app row -> roster index
    assign_app: np.ndarray  # Okta app row of each assignment (row of app_users)
    assign_user: np.ndarray  # person index of each assignment
    assign_created: np.ndarray  # datetime64[us]

    def assigned_counts(self, roster_size: int) -> np.ndarray:
        """Assigned users per roster application (zero for applications not in Okta)."""
        counts = np.zeros(roster_size, np.int64)
        np.add.at(counts, self.roster_index[self.assign_app], 1)
        return counts


def build_okta(roster: list[Application], people: People, seed: int, as_of: date) -> OktaOrg:
    rng = stream(seed, "okta")
    apps = [a for a in roster if a.in_okta]
    n_apps = len(apps)
    as_of_start = day_start(as_of)
    as_of_end = as_of_start + np.timedelta64(US_PER_DAY - 1, "us")

    # Core applications came with the Okta roll-out; others were added since, a few very recently.
    core = np.array([a.index < CORE_COUNT for a in apps])
    days_ago = np.where(
        core,
        rng.integers(OKTA_ROLLOUT_DAYS_AGO - 400, OKTA_ROLLOUT_DAYS_AGO, n_apps),
        np.where(
            rng.random(n_apps) < 0.1, rng.integers(30, 150, n_apps), rng.integers(150, 2200, n_apps)
        ),
    )
    app_created = as_of_start + (
        -days_ago * US_PER_DAY + rng.integers(14 * US_PER_HOUR, 22 * US_PER_HOUR, n_apps)
    ).astype("timedelta64[us]")
    app_updated = app_created + (rng.random(n_apps) * days_ago * US_PER_DAY).astype(
        "timedelta64[us]"
    )
    provisioning = rng.random(n_apps) < 0.4
    sign_on = rng.choice(len(_SIGN_ON_MODES), n_apps, p=[0.7, 0.2, 0.1])

    assign_app, assign_user = _assignments(apps, people, rng)
    base = np.maximum(people.created[assign_user], app_created[assign_app])
    lag = (rng.random(len(base)) * 10 * US_PER_DAY).astype("timedelta64[us]")
    assign_created = np.minimum(base + lag, as_of_end)
    remaining = (as_of_end - assign_created).astype(np.int64)
    assign_updated = assign_created + (rng.random(len(base)) * remaining).astype("timedelta64[us]")
    birthright = np.array([a.penetration >= 0.9 for a in apps])

    ids = pa.array(okta_ids(seed, "0oa", n_apps), pa.string())
    columns = {
        "id": ids,
        "name": pa.array([a.okta_name for a in apps], pa.string()),
        "label": pa.array([a.spellings["okta_apps.label"] for a in apps], pa.string()),
        "status": pa.array(["INACTIVE" if a.is_retired else "ACTIVE" for a in apps], pa.string()),
        "sign_on_mode": pa.array(_SIGN_ON_MODES).take(pa.array(sign_on)),
        "created": pa.array(app_created),
        "last_updated": pa.array(app_updated),
    }
    features = pa.array(_FEATURES).take(pa.array(provisioning.astype(np.int8)))
    columns["payload"] = json_object(
        [
            ("id", json_string(ids)),
            ("name", json_string(columns["name"])),
            ("label", json_string(columns["label"])),
            ("status", json_string(columns["status"])),
            ("created", json_string(okta_times(app_created))),
            ("lastUpdated", json_string(okta_times(app_updated))),
            ("signOnMode", json_string(columns["sign_on_mode"])),
            ("features", features),
        ]
    )
    app_users = {
        "app_id": ids.take(pa.array(assign_app)),
        "user_id": pa.array(people.ids, pa.string()).take(pa.array(assign_user)),
        "scope": pa.array(["USER", "GROUP"]).take(pa.array(birthright[assign_app].astype(np.int8))),
        "status": pa.array(["ACTIVE", "PROVISIONED"]).take(
            pa.array(provisioning[assign_app].astype(np.int8))
        ),
        "created": pa.array(assign_created),
        "last_updated": pa.array(assign_updated),
    }
    return OktaOrg(
        apps=pa.table([columns[f.name] for f in APPS.schema], schema=APPS.schema),
        app_users=pa.table([app_users[f.name] for f in APP_USERS.schema], schema=APP_USERS.schema),
        roster_index=np.array([a.index for a in apps]),
        assign_app=assign_app,
        assign_user=assign_user,
        assign_created=assign_created,
    )


def _assignments(
    apps: list[Application], people: People, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(app row, person) pairs sorted by app then person."""
    employee = ~people.is_service
    joiner = people.status == PROVISIONED
    app_rows, users = [], []
    for row, app in enumerate(apps):
        audience = employee & people.in_audience(app.audience)
        if app.penetration < 0.9:
            audience &= ~joiner
        chosen = audience & (rng.random(people.count) < app.penetration)
        # Even a tiny company shows each application to a handful of people.
        missing = 3 - int(chosen.sum())
        if missing > 0:
            spare = np.flatnonzero(audience & ~chosen)
            chosen[rng.permutation(spare)[:missing]] = True
        picked = np.flatnonzero(chosen)
        app_rows.append(np.full(len(picked), row))
        users.append(picked)
    integrations = [
        row
        for row, a in enumerate(apps)
        if a.category in SERVICE_CATEGORIES and not (a.is_unused or a.is_retired)
    ]
    for person in np.flatnonzero(people.is_service):
        for row in rng.choice(integrations, size=rng.integers(1, 4), replace=False):
            app_rows.append(np.array([row]))
            users.append(np.array([person]))
    app_row = np.concatenate(app_rows)
    user = np.concatenate(users)
    order = np.lexsort((user, app_row))
    return app_row[order], user[order]


def app_user_changes_table(app_users: pa.Table, seed: int) -> pa.Table:
    """The System Log's assignment changes behind `app_users`, in (published, uuid) order.

    The sample org only ever adds assignments: one successful `application.user_membership.add`
    per assignment, published at its `created`. An event's uuid comes from its assignment's row,
    so it is the same whichever window asks for it.
    """
    rows = app_users.filter(pc.is_valid(app_users.column("created"))).combine_chunks()
    published = rows.column("created").to_numpy().astype(np.int64)
    salts = (salt(seed, "membership-uuid-hi"), salt(seed, "membership-uuid-lo"))
    order = np.argsort(published, kind="stable")
    # Only events tied in time are ordered by uuid: sorting them all by it takes seconds at L.
    in_time = published[order]
    tied = np.flatnonzero(in_time[1:] == in_time[:-1])
    if tied.size:
        ties = np.union1d(tied, tied + 1)
        keys = pa.table({"at": in_time[ties], "uuid": uuid_strings(salts, 0, order[ties])})
        within = pc.sort_indices(keys, [("at", "ascending"), ("uuid", "ascending")])
        order[ties] = order[ties[within.to_numpy()]]
    count, index = len(order), pa.array(order)
    return pa.table(
        [
            uuid_strings(salts, 0, order),
            pa.array(published[order].view("datetime64[us]")),
            repeated_string(MEMBERSHIP_ADD, count),
            rows.column("app_id").take(index),
            rows.column("user_id").take(index),
            repeated_string("SUCCESS", count),
        ],
        schema=APP_USER_CHANGES.schema,
    )
