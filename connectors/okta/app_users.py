"""Application User pages decoded straight into the fields `app_users` lands, then into columns.

An org's assignments are its longest list by far (1.2 million at the benchmark's largest scale),
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

from connectors.okta.columns import decode_typed, okta_times
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


def app_user_batch(app_id: str, app_users: list[Any]) -> pa.RecordBatch | None:
    """`AppUser`s of application `app_id` as an `app_users` batch; None unless all are usable.

    Usable: every id is a non-empty string and every timestamp given is one Okta writes (either
    may be null). None asks the caller to read the page assignment by assignment, which reports
    what is wrong.
    """
    # `decode_app_user_page` gives either only `AppUser`s or none at all.
    if not app_users or type(app_users[0]) is not AppUser:
        return None
    ids = [app_user.id for app_user in app_users]
    if None in ids or "" in ids:
        return None
    created = okta_times(pa.array([app_user.created for app_user in app_users], pa.string()))
    if created is None:
        return None
    last_updated = okta_times(
        pa.array([app_user.last_updated for app_user in app_users], pa.string())
    )
    if last_updated is None:
        return None
    columns = [
        pa.repeat(pa.scalar(app_id, pa.string()), len(ids)),
        pa.array(ids, pa.string()),
        pa.array([app_user.scope for app_user in app_users], pa.string()),
        pa.array([app_user.status for app_user in app_users], pa.string()),
        created,
        last_updated,
    ]
    return pa.RecordBatch.from_arrays(columns, schema=APP_USERS.schema)
