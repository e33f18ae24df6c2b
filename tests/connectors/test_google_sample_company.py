"""The sample company's Google view is deterministic, windowed exactly, and tells the truth.

This guards the interface between `sample_company.generate` and the Google emulator: streams in
the entity schemas whose windows cut the same history, and OAuth grants that are the company's
own applications (its shadow IT among them) under the names Google shows.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from google_workspace import by_key, keys, workspace

from connectors.google.entities import LOGIN_ACTIVITIES, TOKEN_ACTIVITIES
from sample_company import generate, match_key
from sample_company.google import build_google

HISTORY = {"token": TOKEN_ACTIVITIES, "login": LOGIN_ACTIVITIES}


@pytest.fixture(scope="module")
def history() -> dict[str, pa.Table]:
    view = workspace()
    return {app: view.activities(app, view.events_start, view.events_end) for app in HISTORY}


def test_the_same_company_gives_the_same_view():
    again = build_google(generate("tiny", seed=7))
    view = workspace()
    day = (view.events_end - timedelta(days=3), view.events_end - timedelta(days=2))

    assert again.grants.equals(view.grants)
    assert again.customer_id == view.customer_id
    for app in HISTORY:
        assert again.activities(app, *day).equals(view.activities(app, *day))


@pytest.mark.parametrize("application", ["token", "login"])
def test_windows_cut_at_any_instant_give_exactly_the_events_of_the_whole(application):
    view = workspace()
    start, end = view.events_start + timedelta(days=55), view.events_start + timedelta(days=65)
    cuts = [start + timedelta(days=d, hours=h) for d, h in ((4, 13.5), (5, 2))]
    bounds = [start, *cuts, end]

    parts = [view.activities(application, a, b) for a, b in itertools.pairwise(bounds)]

    whole = view.activities(application, start, end)
    assert whole.schema == HISTORY[application].schema
    assert sum(p.num_rows for p in parts) == whole.num_rows > 0
    assert by_key(pa.concat_tables(parts)) == by_key(whole)
    assert pc.all(pc.greater_equal(parts[1]["id_time"], cuts[0])).as_py()


def test_every_oauth_app_name_is_a_company_application_and_shadow_it_is_flagged_as_such():
    company = generate("tiny", seed=7)
    truth = {row["application"]: row for row in company.applications.to_pylist()}

    apps = workspace().oauth_apps.to_pylist()

    for app in apps:
        assert match_key(app["app_name"]) == truth[app["application"]]["application_key"]
        assert app["is_sanctioned"] == truth[app["application"]]["is_sanctioned"]
    shadow = {a["application"] for a in apps if not a["is_sanctioned"]}
    assert shadow == {name for name, row in truth.items() if not row["is_sanctioned"]}


def test_each_grant_is_one_authorize_event_and_each_revocation_one_revoke(history):
    tokens = history["token"]
    grants = workspace().grants

    def rows(table: pa.Table, *columns: str) -> list[tuple]:
        return list(zip(*(table[c].to_pylist() for c in columns), strict=True))

    def events(name: str) -> set:
        chosen = tokens.filter(pc.equal(tokens["event_name"], name))
        return set(rows(chosen, "actor_email", "app_name", "id_time"))

    granted = rows(grants, "email", "app_name", "authorized_at")
    revoked = [row for row in rows(grants, "email", "app_name", "revoked_at") if row[2] is not None]
    assert events("authorize") == set(granted)
    assert events("revoke") == set(revoked)
    assert revoked  # some grants are withdrawn


def test_apps_are_used_only_while_granted_and_logins_only_while_employed(history):
    view = workspace()
    grants = {(g["email"], g["app_name"]): g for g in view.grants.to_pylist()}
    tokens = history["token"]
    used = tokens.filter(pc.equal(tokens["event_name"], "activity")).to_pylist()
    assert used
    for event in used:
        grant = grants[(event["actor_email"], event["app_name"])]
        assert grant["authorized_at"] < event["id_time"]
        assert grant["revoked_at"] is None or event["id_time"] < grant["revoked_at"]
    users = {u["email"]: u for u in view.users.to_pylist()}
    for event in history["login"].to_pylist():
        user = users[event["actor_email"]]
        assert user["active_from"] <= event["id_time"] < user["active_until"]


def test_every_event_has_its_own_key_and_logins_are_mostly_successes(history):
    logins = history["login"]
    names = logins["event_name"].value_counts().to_pylist()
    counts = {item["values"]: item["counts"] for item in names}

    for table in history.values():
        assert len(set(keys(table))) == table.num_rows
    assert counts["login_success"] > 20 * counts["login_failure"] > 0
    assert counts["logout"] > 0
