"""Assignment changes: one System Log `add` per assignment, stable under any windowing and seed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from connectors.okta.entities import APP_USER_CHANGES
from sample_company import Company, generate


def _changes(company: Company, start: datetime | None = None, end: datetime | None = None):
    batches = company.app_user_changes(start, end)
    return pa.Table.from_batches(list(batches), schema=APP_USER_CHANGES.schema)


@pytest.fixture(scope="module")
def changes(tiny: Company) -> pa.Table:
    return _changes(tiny)


@pytest.fixture(scope="module")
def tie(changes: pa.Table) -> datetime:
    """The `published` shared by most events: assignments made late on the reference day."""
    counts = pc.value_counts(changes.column("published"))
    most = pc.index(counts.field("counts"), pc.max(counts.field("counts")))
    return counts.field("values")[most.as_py()].as_py()


def test_each_assignment_has_one_successful_add_published_when_it_was_created(tiny, changes):
    assignments = tiny.okta_app_users.to_pylist()

    assert changes.schema == APP_USER_CHANGES.schema
    assert sorted((e["app_id"], e["user_id"], e["published"]) for e in changes.to_pylist()) == (
        sorted((a["app_id"], a["user_id"], a["created"]) for a in assignments)
    )
    assert set(changes.column("event_type").to_pylist()) == {"application.user_membership.add"}
    assert set(changes.column("outcome_result").to_pylist()) == {"SUCCESS"}


def test_events_are_in_published_then_uuid_order_with_unique_version_4_uuids(changes, tie):
    rows = [(e["published"], e["uuid"]) for e in changes.to_pylist()]
    uuids = [u for _, u in rows]

    assert rows == sorted(rows)
    assert len(set(uuids)) == len(uuids)
    assert all(uuid.UUID(u).version == 4 for u in uuids)
    # Several assignments share the reference day's last instant: uuids order them.
    assert sum(published == tie for published, _ in rows) >= 3


@pytest.mark.parametrize("cuts", [1, 17], ids=["halves", "many-windows"])
def test_windows_cut_anywhere_add_up_to_exactly_the_full_stream(tiny, changes, tie, cuts):
    # GIVEN cut points at arbitrary instants, one of them on an instant several events share
    first, last = changes.column("published")[0].as_py(), tiny.events_end
    inner = [first + (last - first) * k / (cuts + 1) for k in range(1, cuts + 1)]
    bounds = [first, *sorted([*inner, tie]), last]

    # WHEN the stream is read window by window
    pieces = [_changes(tiny, start, end) for start, end in pairwise(bounds)]

    # THEN the pieces are the full stream, same uuids and values, each inside its window
    assert pa.concat_tables(pieces).equals(changes)
    for piece, (start, end) in zip(pieces, pairwise(bounds), strict=True):
        published = piece.column("published").to_pylist()
        assert all(start <= moment < end for moment in published)


def test_a_window_starting_on_a_shared_instant_holds_all_its_events(changes, tiny, tie):
    from_tie = _changes(tiny, tie, tie + timedelta(microseconds=1))

    shared = changes.filter(
        pc.equal(changes.column("published"), pa.scalar(tie, pa.timestamp("us")))
    )
    assert from_tie.equals(shared)


def test_aware_bounds_mean_the_same_instants_as_naive_utc_bounds(tiny):
    start, end = datetime(2025, 3, 1, 10), datetime(2026, 2, 1, 18)
    aware_start = (start + timedelta(hours=2)).replace(tzinfo=UTC).astimezone(UTC)
    aware_start -= timedelta(hours=2)

    window = _changes(tiny, start, end)
    assert window.num_rows > 0
    assert _changes(tiny, aware_start, end.replace(tzinfo=UTC)).equals(window)


def test_windows_outside_the_assignments_are_empty(tiny, changes):
    first = changes.column("published")[0].as_py()

    assert list(tiny.app_user_changes(first - timedelta(days=400), first)) == []
    assert list(tiny.app_user_changes(tiny.events_end, tiny.events_end + timedelta(days=5))) == []


def test_the_same_seed_generates_the_same_changes_and_another_seed_others(changes):
    again, other = generate("tiny", seed=42), generate("tiny", seed=43)

    assert _changes(again).equals(changes)
    assert not set(_changes(other).column("uuid").to_pylist()) & set(
        changes.column("uuid").to_pylist()
    )


def test_change_uuids_are_not_those_of_sign_ins(tiny_events, changes):
    sign_ins = set(tiny_events.column("uuid").to_pylist())

    assert not sign_ins & set(changes.column("uuid").to_pylist())
