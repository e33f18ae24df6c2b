"""Pages of license seats decoded straight into the fields `license_seats` lands, then into columns.

An instance's seats are re-read whole every day, 500 to a page: 124,000 at the benchmark's L, where
decoding each page into dicts and flattening them seat by seat took 2.3 s of CPU. Pages are
decoded with msgspec into untracked structs holding only the landed fields (the decoder skips the
rest), and the columns are built from them. This is the fast path for what Snipe-IT sends; a page
it cannot take as is goes the careful way, `records.seat_row` per seat, which names any bad field
(and reads the integers and booleans older Snipe-IT versions send as text).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, tzinfo
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from connectors.http import decode_typed
from connectors.snipeit.entities import LICENSE_SEATS

# The wall-clock timestamps Snipe-IT writes (`Helper::getFormattedDateObject`), without a zone.
_SNIPEIT_TIME = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"


# Untracked by the garbage collector (gc=False): they hold no cycles, and there are many.
class Related(msgspec.Struct, gc=False):
    """The `{"id", "name"}` object Snipe-IT uses for every related record."""

    id: int | None = None
    name: str | None = None


class AssignedUser(msgspec.Struct, gc=False):
    id: int | None = None
    name: str | None = None
    email: str | None = None
    department: Related | None = None


class Stamp(msgspec.Struct, gc=False):
    datetime: str | None = None


class Seat(msgspec.Struct, gc=False):
    """The fields of a LicenseSeatsTransformer object that `license_seats` lands."""

    id: int | None = None
    license_id: int | None = None
    assigned_user: AssignedUser | None = None
    assigned_asset: Related | None = None
    location: Related | None = None
    reassignable: bool | None = None
    user_can_checkout: bool | None = None
    disabled: bool | None = None
    notes: str | None = None
    updated_at: Stamp | None = None


class SeatPage(msgspec.Struct, gc=False):
    total: int
    rows: list[Seat]


_PAGE = msgspec.json.Decoder(SeatPage)


def decode_page(body: bytes) -> Any:
    """A page as a `SeatPage`; as plain JSON if it does not have its types (an error Snipe-IT
    answers with HTTP 200, a field sent as text)."""
    return decode_typed(_PAGE, body)


def seat_batch(seats: list[Any], license_id: int, zone: tzinfo) -> pa.RecordBatch | None:
    """`Seat`s of `license_id` as a `license_seats` batch; None unless the careful reading would
    land exactly the same, which it then does, naming what is wrong if anything is."""
    if not seats or type(seats[0]) is not Seat:
        return None
    ids = [seat.id for seat in seats]
    if None in ids or any(seat.license_id not in (None, license_id) for seat in seats):
        return None
    updated = _wall_clock_times([s.updated_at and s.updated_at.datetime for s in seats], zone)
    if updated is None:
        return None
    users = [seat.assigned_user or _NOBODY for seat in seats]
    departments = [user.department or _NONE for user in users]
    assets = [seat.assigned_asset or _NONE for seat in seats]
    locations = [seat.location or _NONE for seat in seats]
    n = len(seats)
    columns = {
        "id": pa.array(ids, pa.int64()),
        "license_id": pa.array([license_id] * n, pa.int64()),
        "assigned_user_id": pa.array([user.id for user in users], pa.int64()),
        "assigned_user_name": _text([user.name for user in users]),
        "assigned_user_email": _text([user.email for user in users]),
        "assigned_user_department_id": pa.array([d.id for d in departments], pa.int64()),
        "assigned_user_department_name": _text([d.name for d in departments]),
        "assigned_asset_id": pa.array([asset.id for asset in assets], pa.int64()),
        "assigned_asset_name": _text([asset.name for asset in assets]),
        "location_id": pa.array([location.id for location in locations], pa.int64()),
        "location_name": _text([location.name for location in locations]),
        "reassignable": pa.array([seat.reassignable for seat in seats], pa.bool_()),
        "user_can_checkout": pa.array([seat.user_can_checkout for seat in seats], pa.bool_()),
        "disabled": pa.array([seat.disabled for seat in seats], pa.bool_()),
        "notes": _text([seat.notes for seat in seats]),
        "updated_at": updated,
    }
    return pa.RecordBatch.from_arrays(
        [columns[name] for name in LICENSE_SEATS.schema.names], schema=LICENSE_SEATS.schema
    )


_NOBODY = AssignedUser()
_NONE = Related()


def _text(values: list[str | None]) -> pa.Array:
    """Snipe-IT's HTML-escaped text as typed, an empty text as null (as `records._text`)."""
    return pa.array(
        [(html.unescape(v) if "&" in v else v) if v else None for v in values], pa.string()
    )


def _wall_clock_times(values: list[str | None], zone: tzinfo) -> pa.Array | None:
    """Snipe-IT's wall-clock timestamps in `zone` as naive UTC, nulls kept; None if any is
    written otherwise, is not a date, or falls in a daylight-saving gap or overlap (where the
    careful reading's `datetime` decides which instant it is)."""
    text = pa.array(values, pa.string())
    if not pc.all(pc.match_substring_regex(text, _SNIPEIT_TIME), min_count=0).as_py():
        return None
    try:
        # A cast, not `strptime`, which takes the 30th of February for the 2nd of March.
        times = text.cast(pa.timestamp("us"))
        if zone is not UTC:
            zoned = pc.assume_timezone(
                times, timezone=str(zone), ambiguous="raise", nonexistent="raise"
            )
            times = zoned.cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # Arrow reads year 0 and shifts past year 9999, where Python's datetime, and so the careful
    # reading, cannot follow.
    outside = pc.or_(pc.less(times, datetime.min), pc.greater(times, datetime.max))
    return None if pc.any(outside, min_count=0).as_py() else times
