"""Application User pages decoded straight into the fields `app_users` lands, then into columns.

An org's assignments are its longest list by far (1.6 million at the benchmark's largest scale),
and all of them are read again every day. Decoded generically, each Application User becomes a
dict of a dozen entries with nested `credentials`, `profile` and `_links` dicts, only for five
values to be picked out one row at a time. So pages are decoded with msgspec into untracked
structs holding only those five (the decoder skips the rest), and the columns are built from
them. This is the fast path for what Okta sends; a page it cannot take as is goes the careful
way, `records.app_user_row` per assignment, which names any bad field. A module of its own
rather than a part of `log_events`: the two lists share only the checks kept in `columns`.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pyarrow as pa

from connectors.http import decode_typed
from connectors.okta.columns import okta_times
from connectors.okta.entities import APP_USERS


# Untracked by the garbage collector (gc=False): it holds no cycles, and there are many.
class AppUser(msgspec.Struct, gc=False, rename="camel"):
    """The fields of an Application User that `app_users` lands (`last_updated` is `lastUpdated`).

    Typed `str | None` as the careful reading expects them: any other type (`"status": 5`) fails
    the page's decoding, and the page is read the careful way, which decides what to make of it.
    """

    id: str | None = None
    scope: str | None = None
    status: str | None = None
    created: str | None = None
    last_updated: str | None = None


_PAGE = msgspec.json.Decoder(list[AppUser])


def decode_app_user_page(body: bytes) -> list[Any]:
    """A page as `AppUser`s; as plain JSON values if it does not have their types.

    Raises `msgspec.DecodeError` (a `ValueError`) if the body is not JSON at all.
    """
    return decode_typed(_PAGE, body)


def app_user_ids(app_users: list[Any]) -> list[str] | None:
    """The user ids of a page of `AppUser`s; None unless it is one and every id is usable."""
    # `decode_app_user_page` gives either only `AppUser`s or none at all.
    if not app_users or type(app_users[0]) is not AppUser:
        return None
    ids = [app_user.id for app_user in app_users]
    return None if None in ids or "" in ids else ids  # type: ignore[return-value]


def app_user_batch(app_id: str, app_users: list[Any]) -> pa.RecordBatch | None:
    """`AppUser`s of application `app_id` as an `app_users` batch; None unless all are usable."""
    return app_users_batch([(app_id, app_users)])


def app_users_batch(pages: list[tuple[str, list[Any]]]) -> pa.RecordBatch | None:
    """Pages of `AppUser`s, each with its application's id, as one `app_users` batch; None unless
    every one is usable.

    Usable: every id is a non-empty string and every timestamp given is one Okta writes (either
    may be null). None asks the caller to read the pages one by one (`app_user_batch`), and a
    page that is not usable assignment by assignment, which reports what is wrong. Several pages
    at once: most applications' lists are a page or two, and Arrow's per-call cost, paid per
    page, was most of the 1.7 s L's 3,664 pages took to convert.
    """
    # `decode_app_user_page` gives either only `AppUser`s or none at all.
    if any(not app_users or type(app_users[0]) is not AppUser for _, app_users in pages):
        return None
    everyone = [app_user for _, app_users in pages for app_user in app_users]
    ids = [app_user.id for app_user in everyone]
    if None in ids or "" in ids:
        return None
    # Both timestamp columns in one call: half the calls, one check of the pattern.
    times = okta_times(
        pa.array(
            [app_user.created for app_user in everyone]
            + [app_user.last_updated for app_user in everyone],
            pa.string(),
        )
    )
    if times is None:
        return None
    app_ids = pa.array(
        [app_id for app_id, app_users in pages for _ in range(len(app_users))], pa.string()
    )
    columns = [
        app_ids,
        pa.array(ids, pa.string()),
        pa.array([app_user.scope for app_user in everyone], pa.string()),
        pa.array([app_user.status for app_user in everyone], pa.string()),
        times.slice(0, len(ids)),
        times.slice(len(ids)),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=APP_USERS.schema)
