"""Sign-in events: bounded by the reference date, stable under any windowing, plausible in shape."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from connectors.okta.entities import SSO_EVENTS


def _window(company, start, end) -> pa.Table:
    return pa.Table.from_batches(list(company.sso_events(start, end)), schema=SSO_EVENTS.schema)


def _published(table: pa.Table) -> np.ndarray:
    return table.column("published").to_numpy()


def test_events_cover_at_least_180_days_up_to_and_including_as_of(tiny, tiny_events):
    days = np.unique(_published(tiny_events).astype("datetime64[D]"))

    assert days[-1] == np.datetime64(tiny.as_of)
    assert days[0] == np.datetime64(tiny.as_of - timedelta(days=179))
    assert len(days) == 180
    assert tiny.events_end == datetime.combine(tiny.as_of + timedelta(days=1), datetime.min.time())


def test_the_stream_is_in_time_order(tiny_events):
    assert (np.diff(_published(tiny_events).astype(np.int64)) >= 0).all()


def test_every_event_has_a_unique_well_formed_uuid(tiny_events):
    uuids = tiny_events.column("uuid").to_pylist()

    assert len(set(uuids)) == len(uuids)
    assert all(uuid.UUID(u).version == 4 for u in uuids[:1000])


@pytest.mark.parametrize("cuts", [1, 23], ids=["halves", "many-windows"])
def test_windows_cut_anywhere_add_up_to_exactly_the_full_stream(tiny, tiny_events, cuts):
    # GIVEN cut points at arbitrary instants, not aligned on days
    span = tiny.events_end - tiny.events_start
    inner = [
        tiny.events_start + span * k / (cuts + 1) + timedelta(seconds=37.5 * k)
        for k in range(1, cuts + 1)
    ]
    bounds = [tiny.events_start, *inner, tiny.events_end]

    # WHEN the history is read window by window
    pieces = [_window(tiny, start, end) for start, end in pairwise(bounds)]

    # THEN the pieces are the full stream, same uuids and values, and each stays in its window
    assert pa.concat_tables(pieces).equals(tiny_events)
    for piece, (start, end) in zip(pieces, pairwise(bounds), strict=True):
        published = _published(piece)
        assert (published >= np.datetime64(start)).all()
        assert (published < np.datetime64(end)).all()


def test_event_count_matches_the_events_of_a_window(tiny, tiny_events):
    start = tiny.events_end - timedelta(days=3, hours=5, minutes=7)
    end = tiny.events_end - timedelta(hours=11)

    assert tiny.event_count() == tiny_events.num_rows
    assert tiny.event_count(start, end) == _window(tiny, start, end).num_rows > 0


def test_aware_bounds_mean_the_same_instants_as_naive_utc_bounds(tiny):
    end = tiny.events_end - timedelta(days=1)
    start = end - timedelta(hours=30)
    shift = timedelta(hours=2)
    aware_start = (start + shift).replace(tzinfo=UTC).astimezone(UTC) - shift

    assert _window(tiny, aware_start, end.replace(tzinfo=UTC)).equals(_window(tiny, start, end))


def test_windows_outside_the_history_are_empty(tiny):
    before = tiny.events_start - timedelta(days=10)

    assert list(tiny.sso_events(before, tiny.events_start)) == []
    assert list(tiny.sso_events(tiny.events_end, tiny.events_end + timedelta(days=5))) == []


def test_successful_sign_ins_are_by_assigned_users_after_their_assignment(tiny, tiny_events):
    successes = tiny_events.filter(pc.equal(tiny_events.column("outcome_result"), "SUCCESS"))
    assignments = tiny.okta_app_users.select(["app_id", "user_id", "created"])

    joined = successes.join(
        assignments, keys=["target_app_id", "actor_id"], right_keys=["app_id", "user_id"]
    )

    assert joined.column("created").null_count == 0
    assert pc.all(pc.less(joined.column("created"), joined.column("published"))).as_py()


def test_a_few_sign_ins_fail_including_attempts_by_unassigned_users(tiny, tiny_events):
    assigned = set(
        zip(
            tiny.okta_app_users.column("app_id").to_pylist(),
            tiny.okta_app_users.column("user_id").to_pylist(),
            strict=True,
        )
    )
    failures = tiny_events.filter(pc.equal(tiny_events.column("outcome_result"), "FAILURE"))
    strays = [
        pair
        for pair in zip(
            failures.column("target_app_id").to_pylist(),
            failures.column("actor_id").to_pylist(),
            strict=True,
        )
        if pair not in assigned
    ]

    assert 0 < failures.num_rows < 0.05 * tiny_events.num_rows
    assert 0 < len(strays) < failures.num_rows


def test_some_assigned_users_never_sign_in(tiny, tiny_events):
    used = set(
        zip(
            tiny_events.column("target_app_id").to_pylist(),
            tiny_events.column("actor_id").to_pylist(),
            strict=True,
        )
    )
    assignments = list(
        zip(
            tiny.okta_app_users.column("app_id").to_pylist(),
            tiny.okta_app_users.column("user_id").to_pylist(),
            strict=True,
        )
    )

    idle = [pair for pair in assignments if pair not in used]
    assert 0.1 * len(assignments) < len(idle) < 0.7 * len(assignments)


def test_weekdays_are_much_busier_than_weekends(tiny_events):
    weekday = (_published(tiny_events).astype("datetime64[D]").astype(np.int64) + 3) % 7
    per_day = np.bincount(weekday, minlength=7)  # Monday = 0

    assert per_day[:5].min() > 4 * per_day[5:].max()


def test_events_name_the_user_login_and_the_app_label_of_the_okta_tables(tiny, tiny_events):
    logins = dict(
        zip(
            tiny.okta_users.column("id").to_pylist(),
            tiny.okta_users.column("profile_login").to_pylist(),
            strict=True,
        )
    )
    labels = dict(
        zip(
            tiny.okta_apps.column("id").to_pylist(),
            tiny.okta_apps.column("label").to_pylist(),
            strict=True,
        )
    )
    sample = tiny_events.slice(0, 2000).to_pylist()

    assert {row["event_type"] for row in sample} == {"user.authentication.sso"}
    for row in sample:
        assert logins[row["actor_id"]] == row["actor_alternate_id"]
        assert labels[row["target_app_id"]] == row["target_app_display_name"]


def test_leavers_stop_signing_in_when_they_leave(tiny, tiny_events):
    left = {
        row["id"]: datetime.fromisoformat(json.loads(row["payload"])["statusChanged"]).date()
        for row in tiny.okta_users.to_pylist()
        if row["status"] == "DEPROVISIONED"
    }
    events = tiny_events.filter(pc.is_in(tiny_events.column("actor_id"), pa.array(list(left))))

    assert left
    for row in events.select(["actor_id", "published"]).to_pylist():
        assert row["published"].date() < left[row["actor_id"]], row
