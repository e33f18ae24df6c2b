"""System Log pages decoded straight into the fields `sso_events` lands, then into Arrow columns.

A page of 1000 LogEvents is most of a client's work: decoded generically, it becomes some 10,000
dicts whose allocation and garbage collection cost more than the network. So pages are decoded
with msgspec into untracked structs holding only the fields landed (the decoder skips the rest),
and the columns are built from them. This is the fast path for what Okta sends; a page it cannot
take as is goes the careful way, `records.sso_event_row` per event, which names any bad field.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pyarrow as pa

from connectors.http import decode_typed
from connectors.okta.columns import okta_times
from connectors.okta.entities import SSO_EVENTS


# Untracked by the garbage collector (gc=False): they hold no cycles, and there are many.
class Actor(msgspec.Struct, gc=False, rename="camel"):
    id: str | None = None
    alternate_id: str | None = None


class Target(msgspec.Struct, gc=False, rename="camel"):
    type: str | None = None
    id: str | None = None
    display_name: str | None = None


class Outcome(msgspec.Struct, gc=False):
    result: str | None = None


class LogEvent(msgspec.Struct, gc=False, rename="camel"):
    """The fields of a System Log LogEvent that `sso_events` lands (`event_type` is `eventType`)."""

    uuid: str | None = None
    published: str | None = None
    event_type: str | None = None
    actor: Actor | None = None
    target: list[Target] | None = None
    outcome: Outcome | None = None


_PAGE = msgspec.json.Decoder(list[LogEvent])


def decode_page(body: bytes) -> list[Any]:
    """A page as `LogEvent`s; as plain JSON values if it does not have their types.

    Raises `msgspec.DecodeError` (a `ValueError`) if the body is not JSON at all.
    """
    return decode_typed(_PAGE, body)


def sso_event_batch(events: list[Any]) -> pa.RecordBatch | None:
    """`LogEvent`s as an `sso_events` batch; None unless every uuid and timestamp is usable.

    None asks the caller to read the page event by event, which reports what is wrong.
    """
    # `decode_page` gives either only `LogEvent`s or none at all.
    if not events or type(events[0]) is not LogEvent:
        return None
    uuids = [event.uuid for event in events]
    times = [event.published for event in events]
    if None in uuids or "" in uuids or None in times:
        return None
    published = okta_times(pa.array(times, pa.string()))
    if published is None:
        return None
    actors = [_NO_ACTOR if event.actor is None else event.actor for event in events]
    apps = [_app_instance(event.target) for event in events]
    text = [
        [event.event_type for event in events],
        [actor.id for actor in actors],
        [actor.alternate_id for actor in actors],
        [app.id for app in apps],
        [app.display_name for app in apps],
        [None if event.outcome is None else event.outcome.result for event in events],
    ]
    columns = [pa.array(uuids, pa.string()), published, *(pa.array(c, pa.string()) for c in text)]
    return pa.RecordBatch.from_arrays(columns, schema=SSO_EVENTS.schema)


_NO_ACTOR = Actor()
_NO_TARGET = Target()


def _app_instance(targets: list[Target] | None) -> Target:
    for target in targets or ():
        if target.type == "AppInstance":
            return target
    return _NO_TARGET
