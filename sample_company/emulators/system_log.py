"""The emulator's System Log: SSO and assignment-change events paged in Okta's order and written
as LogEvent JSON.

Pages are built column-wise with Arrow: the parts of an event that depend only on its actor, app
or outcome are written once and reused, and each page is one vectorised string join over them and
the per-event fields. Serving 1000 LogEvents so costs a few milliseconds, and the emulator, which
shares the process (and the GIL) with the connector in the demo, does not dominate a throughput
benchmark of the connector. The JSON keeps Okta's LogEvent shape: field names, nesting, Okta's
time format (`2026-10-30T14:03:22.123Z`); only the values are synthetic.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.okta.entities import SSO_EVENTS

#: (published, uuid) of the last event served: where the next page resumes.
Cursor = tuple[datetime, str]

_ORDER = [("published", "ascending"), ("uuid", "ascending")]
_MEMBERSHIP_MESSAGES = {
    "application.user_membership.add": "Add user to application membership",
    "application.user_membership.remove": "Remove user from application membership",
}
#: The event types `MembershipEventWriter` writes, in the `app_user_changes` table.
MEMBERSHIP_EVENT_TYPES = frozenset(_MEMBERSHIP_MESSAGES)


class EventStream:
    """The events of one System Log query not served yet, paged in (published, uuid) order.

    `batches` must be in ascending `published` order (ties may straddle batches) and in `schema`;
    events read past a page stay buffered, so each page resumes the company's event stream where
    the last one stopped instead of generating it again.
    """

    def __init__(self, batches: Iterator[pa.Table], schema: pa.Schema = SSO_EVENTS.schema) -> None:
        self._batches = batches
        self._schema = schema
        self._buffered = schema.empty_table()

    def page(self, limit: int) -> tuple[pa.Table, bool]:
        """The next `limit` events at most, and whether any remain after them."""
        table = self._buffered
        while not _has_complete_page(table, limit):
            batch = next(self._batches, None)
            if batch is None:
                break
            table = pa.concat_tables([table, batch])
        if table.num_rows <= limit:
            self._buffered = self._schema.empty_table()
            return _in_order(table), False
        # Only the events up to the page's last tie group need sorting: all later ones follow it.
        published = table.column("published")
        head_rows = pc.sum(pc.less_equal(published, published[limit])).as_py()
        head = _in_order(table.slice(0, head_rows))
        self._buffered = pa.concat_tables([head.slice(limit), table.slice(head_rows)])
        return head.slice(0, limit), True


def matching_events(
    batches: Iterator[pa.RecordBatch],
    start: datetime,
    until: datetime,
    after: Cursor | None,
    event_types: Collection[str] | None,
    schema: pa.Schema = SSO_EVENTS.schema,
) -> Iterator[pa.Table]:
    """The events of `batches` a query selects: in `[start, until)`, past `after`, of the types
    asked for (any when None), as tables in `schema`."""
    for batch in batches:
        published = batch.column("published")
        keep = pc.and_(pc.greater_equal(published, start), pc.less(published, until))
        if after is not None:
            at, uuid = after
            later = pc.or_(
                pc.greater(published, at),
                pc.and_(pc.equal(published, at), pc.greater(batch.column("uuid"), uuid)),
            )
            keep = pc.and_(keep, later)
        if event_types is not None:
            wanted = pa.array(sorted(event_types), pa.string())
            keep = pc.and_(keep, pc.is_in(batch.column("event_type"), wanted))
        chosen = batch.filter(keep)
        if chosen.num_rows:
            yield pa.Table.from_batches([chosen.select(schema.names)])


def last_cursor(page: pa.Table, position: int = -1) -> Cursor:
    row = position % page.num_rows
    return page.column("published")[row].as_py(), page.column("uuid")[row].as_py()


class LogEventWriter:
    """Writes pages of events as a JSON array of Okta LogEvents.

    `names` gives each user's display name (an actor without one shows its login), `sign_on_modes`
    each app's `signOnMode`, shown in the AppInstance target's `detailEntry`. The parts of an event
    that depend only on its actor, its app or its outcome are written once per distinct value;
    only the per-event fields (time, uuid) are joined row by row.
    """

    def __init__(self, names: Mapping[str, str], sign_on_modes: Mapping[str, str | None]) -> None:
        self._names = names
        self._modes = sign_on_modes
        self._actors = _Parts(self._actor)
        self._apps = _Parts(self._app_target)
        self._outcomes = _Parts(self._outcome)

    def page_json(self, page: pa.Table) -> bytes:
        if page.num_rows == 0:
            return b"[]"
        column = {name: page.column(name).combine_chunks() for name in page.column_names}
        head, tail = self._actors.take(column["actor_id"], column["actor_alternate_id"])
        (app,) = self._apps.take(column["target_app_id"], column["target_app_display_name"])
        (outcome,) = self._outcomes.take(column["event_type"], column["outcome_result"])
        uuid = _json_inner(column["uuid"])
        opening, closing = _brackets(page.num_rows)
        # The fields SSO events carry that an audit may read; Okta adds more context objects.
        events = pc.binary_join_element_wise(
            opening,
            head,
            outcome,
            _okta_times(column["published"]),
            'Z","severity":"INFO","transaction":{"type":"WEB","id":"',
            pc.replace_substring(uuid, "-", ""),
            '"},"uuid":"',
            uuid,
            '","version":"0","target":[',
            app,
            tail,
            closing,
            "",
        )
        # Each event carries its separator, so the array's text is the page's JSON as it is.
        return _text(events)

    def _actor(self, actor_id: str | None, login: str | None) -> tuple[str, str]:
        """The event's start, up to its `eventType`, and its end: the rest of the AppUser target."""
        name = self._names.get(actor_id or "") or login
        head = (
            _actor_and_client(actor_id, login, name)
            + '"displayMessage":"User single sign on to app",'
        )
        tail = (
            f'{_dumps((actor_id or "")[-8:])[1:-1]}","type":"AppUser",'
            f'"alternateId":{_dumps(login)},"displayName":{_dumps(name)}}}]}}'
        )
        return head, tail

    def _outcome(self, event_type: str | None, result: str | None) -> tuple[str]:
        outcome = _dumps({"result": result})
        return (f'"eventType":{_dumps(event_type)},"outcome":{outcome},"published":"',)

    def _app_target(self, app_id: str | None, display_name: str | None) -> tuple[str]:
        """The AppInstance target, then the start of the AppUser target's id."""
        # An app user's id is its own in Okta; one per (app, user) is all an audit needs.
        app_user_id = '{"id":"0ua' + _dumps((app_id or "")[-9:])[1:-1]
        if app_id is None:
            return (app_user_id,)
        target = {
            "id": app_id,
            "type": "AppInstance",
            "alternateId": display_name,
            "displayName": display_name,
            "detailEntry": {"signOnModeType": self._modes.get(app_id)},
        }
        return (f"{_dumps(target)},{app_user_id}",)


class MembershipEventWriter:
    """Writes pages of assignment changes (rows of `app_user_changes`) as a JSON array of LogEvents.

    `names` and `logins` describe each user, `labels` each app; `admin` is the (id, login, name)
    of the administrator who makes every change. As for SSO events, the parts of an event that
    depend only on its user, its app or its type and outcome are written once per distinct value.
    """

    def __init__(
        self,
        names: Mapping[str, str],
        logins: Mapping[str, str | None],
        labels: Mapping[str, str | None],
        admin: tuple[str | None, str | None, str | None],
    ) -> None:
        self._names = names
        self._logins = logins
        self._labels = labels
        self._head = _actor_and_client(*admin)
        self._kinds = _Parts(self._kind)
        self._apps = _Parts(self._app)
        self._users = _Parts(self._user_targets)

    def page_json(self, page: pa.Table) -> bytes:
        if page.num_rows == 0:
            return b"[]"
        column = {name: page.column(name).combine_chunks() for name in page.column_names}
        (kind,) = self._kinds.take(column["event_type"], column["outcome_result"])
        request_uri, app = self._apps.take(column["app_id"])
        app_user, user = self._users.take(column["user_id"])
        uuid = _json_inner(column["uuid"])
        transaction = pc.replace_substring(uuid, "-", "")
        opening, closing = _brackets(page.num_rows)
        # Okta's target order for these events: the app user, the app, then the user.
        events = pc.binary_join_element_wise(
            opening,
            self._head,
            kind,
            _okta_times(column["published"]),
            'Z","severity":"INFO","debugContext":{"debugData":{"requestId":"',
            transaction,
            '","requestUri":"',
            request_uri,
            '"}},"transaction":{"type":"WEB","id":"',
            transaction,
            '"},"uuid":"',
            uuid,
            '","version":"0","target":[',
            app_user,
            app,
            user,
            "]}",
            closing,
            "",
        )
        return _text(events)

    def _kind(self, event_type: str | None, result: str | None) -> tuple[str]:
        message = _MEMBERSHIP_MESSAGES.get(event_type or "")
        return (
            f'"displayMessage":{_dumps(message)},"eventType":{_dumps(event_type)},'
            f'"outcome":{_dumps({"result": result})},"published":"',
        )

    def _app(self, app_id: str | None) -> tuple[str, str]:
        """The API path the change was made through, and the AppInstance target after a comma."""
        if app_id is None:
            return "", ""
        label = self._labels.get(app_id)
        target = {"id": app_id, "type": "AppInstance", "alternateId": label, "displayName": label}
        return _dumps(f"/api/v1/apps/{app_id}/users")[1:-1], f",{_dumps(target)}"

    def _user_targets(self, user_id: str | None) -> tuple[str, str]:
        """The AppUser target, and the User target after a comma: both name the Okta user, but
        only the User target by the user's id; the AppUser has an id of its own, as in Okta."""
        login = self._logins.get(user_id or "")
        name = self._names.get(user_id or "") or login
        user = {"id": user_id, "type": "User", "alternateId": login, "displayName": name}
        app_user = user | {"id": "0ua" + (user_id or "")[-17:], "type": "AppUser"}
        return _dumps(app_user), f",{_dumps(user)}"


class _Parts:
    """Texts rendered once per distinct key and kept in Arrow, so a page only takes them by row.

    `render(*key)` gives the texts (a tuple, one per part of the event) that depend on `key` alone.
    """

    def __init__(self, render: Callable[..., tuple[str, ...]]) -> None:
        self._render = render
        self._slots: dict[tuple[Any, ...], int] = {}
        self._parts: list[pa.Array] = []
        self._lock = threading.Lock()  # clients on several connections share the texts

    def take(self, *columns: pa.Array) -> list[pa.Array]:
        """Each part for each row, the key of a row being its values in `columns`."""
        rendered, indices = [], []
        with self._lock:
            for key in zip(*(column.to_pylist() for column in columns), strict=True):
                slot = self._slots.get(key)
                if slot is None:
                    slot = self._slots[key] = len(self._slots)
                    rendered.append(self._render(*key))
                indices.append(slot)
            if rendered:
                added = [pa.array(part, pa.string()) for part in zip(*rendered, strict=True)]
                grown = zip(self._parts, added, strict=True)
                self._parts = [pa.concat_arrays(pair) for pair in grown] if self._parts else added
            parts = self._parts
        index = pa.array(indices, pa.int32())
        return [part.take(index) for part in parts]


@functools.lru_cache(maxsize=4)  # full pages all have the same size
def _brackets(rows: int) -> tuple[pa.Array, pa.Array]:
    """What comes before and after each of `rows` events in a JSON array: `[`, `,` and `]`."""
    return (
        pa.array(["["] + [""] * (rows - 1), pa.string()),
        pa.array([","] * (rows - 1) + ["]"], pa.string()),
    )


def _actor_and_client(actor_id: str | None, login: str | None, name: str | None) -> str:
    """The start of an event, up to its `displayMessage`: who acted, and from where."""
    actor = {"id": actor_id, "type": "User", "alternateId": login, "displayName": name}
    # Each person signs in from one address of a documentation range (RFC 5737).
    ip = hashlib.sha256((actor_id or "").encode()).digest()[0]
    return (
        f'{{"actor":{_dumps(actor)},'
        f'"client":{{"device":"Computer","zone":"null","ipAddress":"198.51.100.{ip}"}},'
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_inner(values: pa.Array) -> pa.Array:
    """Text as it goes between the quotes of a JSON string (values are never null here)."""
    data = values.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    if ((raw < 0x20) | (raw == ord('"')) | (raw == ord("\\"))).any():
        return pa.array([_dumps(text)[1:-1] for text in values.to_pylist()], pa.string())
    return values


def _text(values: pa.Array) -> bytes:
    """The values of a string array end to end, as UTF-8: a copy of its data buffer."""
    offsets = np.frombuffer(values.buffers()[1], np.int32)
    start, end = offsets[values.offset], offsets[values.offset + len(values)]
    return values.buffers()[2][start:end].to_pybytes()


def _okta_times(published: pa.Array) -> pa.Array:
    """Okta's format without its `Z`: milliseconds, unless a value is finer than that."""
    text = pc.utf8_replace_slice(published.cast(pa.string()), start=10, stop=11, replacement="T")
    micros = published.cast(pa.int64()).to_numpy(zero_copy_only=False)
    whole_ms = micros % 1000 == 0
    in_ms = pc.utf8_slice_codeunits(text, 0, 23)
    return in_ms if whole_ms.all() else pc.if_else(pa.array(whole_ms), in_ms, text)


def _in_order(table: pa.Table) -> pa.Table:
    """Time-ordered `table` in (published, uuid) order; only events tied in time need sorting."""
    published = table.column("published")
    if len(published) < 2 or not pc.any(pc.equal(published[1:], published[:-1])).as_py():
        return table
    return table.sort_by(_ORDER)


def _has_complete_page(table: pa.Table, limit: int) -> bool:
    """Whether `table` (time-ordered) holds the next page and every event tied with its last."""
    if table.num_rows <= limit:
        return False
    published = table.column("published")
    return published[-1].value > published[limit].value
