"""Reports API pages decoded straight into the fields the activity tables land, then into Arrow.

A page of 1000 activities decoded generically is some 15,000 dicts, and turning them into rows
one by one costs several times more than the network. So pages are decoded with msgspec into
untracked structs holding only the landed fields (the decoder skips the rest), and the columns are
built from them. An event's `parameters` stay raw JSON until their turn: the modelled ones are read
from them and the whole list is landed as compact JSON text. This is the fast path for what Google
sends; a page it cannot take as is goes the careful way, `records.activity_rows` per activity,
which names any bad field.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import Entity
from connectors.google.records import BadFieldError
from connectors.http import decode_typed

# RFC 3339 as Google writes it; Arrow reads exactly these as `datetime.fromisoformat` does.
_GOOGLE_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$"
_FIRST_DAY = datetime(1, 1, 1)  # Arrow reads year 0, which Python has not


# Untracked by the garbage collector (gc=False): they hold no cycles, and there are many.
class Ident(msgspec.Struct, gc=False, rename="camel"):
    time: str | None = None
    unique_qualifier: str | None = None
    application_name: str | None = None
    customer_id: str | None = None


class Actor(msgspec.Struct, gc=False, rename="camel"):
    email: str | None = None
    profile_id: str | None = None
    caller_type: str | None = None


class Parameter(msgspec.Struct, gc=False, rename="camel"):
    """An event parameter, with the value fields the modelled parameters use (others skipped)."""

    name: str
    value: str | None = None
    multi_value: list[str] | None = None
    int_value: int | str | None = None  # Google writes int64 values as JSON strings
    bool_value: bool | None = None


class Event(msgspec.Struct, gc=False):
    type: str | None = None
    name: str | None = None
    parameters: msgspec.Raw = msgspec.Raw()  # decoded per event; empty when left out


class Activity(msgspec.Struct, gc=False, rename="camel"):
    """The fields of a Reports API Activity that the activity tables land."""

    id: Ident | None = None
    actor: Actor | None = None
    ip_address: str | None = None
    events: list[Event] | None = None


class Page(msgspec.Struct, gc=False, rename="camel"):
    """One page of `activities.list`."""

    items: list[Activity] | None = None
    next_page_token: str | None = None


_PAGE = msgspec.json.Decoder(Page)
_NO_IDENT = Ident()
_NO_ACTOR = Actor()


def decode_page(body: bytes) -> Any:
    """A page as a `Page`; as plain JSON values if it does not have its types."""
    return decode_typed(_PAGE, body)


def activity_batch(
    activities: list[Activity], entity: Entity
) -> tuple[pa.RecordBatch, np.ndarray] | None:
    """The rows of `activities` as a batch of `entity`, and the activity each row comes from.

    The entity's columns between `event_name` and `parameters` are the parameters of the same
    names, read as `records.token_fields` and `records.login_fields` do. None asks the caller to
    read the page activity by activity, which reports what is wrong: it is returned unless every
    activity has a usable id and every event a name and parameters of the expected types.
    """
    idents = [_NO_IDENT if a.id is None else a.id for a in activities]
    qualifiers = [ident.unique_qualifier for ident in idents]
    times = [ident.time for ident in idents]
    if None in times or None in qualifiers or "" in qualifiers:
        return None
    id_time = _google_times(pa.array(times, pa.string()))
    if id_time is None:
        return None
    counts = [0 if a.events is None else len(a.events) for a in activities]
    events = [event for a in activities if a.events for event in a.events]
    names = [event.name for event in events]
    if None in names or "" in names:
        return None
    schema = entity.schema
    own = _readers(schema)
    sent = [bytes(event.parameters) if event.parameters else None for event in events]
    try:
        # Events often carry the same parameters (logins of one kind): each text is read once.
        read = {text: _read_parameters(text, own) for text in dict.fromkeys(sent)}
    except ValueError:  # msgspec's type errors, and BadFieldError
        return None
    texts, *values = (
        zip(*(read[text] for text in sent), strict=True) if sent else [()] * (len(own) + 1)
    )
    actors = [_NO_ACTOR if a.actor is None else a.actor for a in activities]
    per_activity = [
        id_time,
        pa.array(qualifiers, pa.string()),
        pa.array([ident.application_name for ident in idents], pa.string()),
        pa.array([ident.customer_id for ident in idents], pa.string()),
        pa.array([actor.email for actor in actors], pa.string()),
        pa.array([actor.profile_id for actor in actors], pa.string()),
        pa.array([actor.caller_type for actor in actors], pa.string()),
        pa.array([a.ip_address for a in activities], pa.string()),
    ]
    owner = np.repeat(np.arange(len(activities)), counts)
    if counts.count(1) != len(counts):  # some activity has no event, or several
        per_activity = [column.take(pa.array(owner)) for column in per_activity]
        starts = np.cumsum(counts) - counts
        event_index = np.arange(len(owner)) - starts[owner]
    else:
        event_index = np.zeros(len(owner), np.int64)
    columns = [
        *per_activity[:2],
        pa.array(event_index, pa.int32()),
        *per_activity[2:],
        pa.array([event.type for event in events], pa.string()),
        pa.array(names, pa.string()),
        *(
            pa.array(column, schema.field(name).type)
            for column, (name, *_) in zip(values, own, strict=True)
        ),
        _compact(pa.array(texts, pa.binary())),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema), owner


_PARAMETERS = msgspec.json.Decoder(list[Parameter] | None)
# What `json.dumps` of the decoded parameters would write otherwise than Google: an escape,
# whitespace between tokens, a fraction, an exponent or -0. Conservative: it may match inside a
# string, which only costs the exact rewrite.
_NOT_COMPACT = r"\\|[:,\[{]\s|\s[:,\]}]|^\s|\s$|[:,\[]-?[0-9]+[.eE]|[:,\[]-0[,\]}]"


def _read_parameters(text: bytes | None, own: tuple[_Reader, ...]) -> tuple[Any, ...]:
    """The parameters' text (None if there are none), then the value of each of `own`."""
    given = None if text is None else _PARAMETERS.decode(text)
    if given is None:
        return (None,) * (len(own) + 1)
    get = {parameter.name: parameter for parameter in given}.get  # the last of a name counts
    # getattr(None, ...) is None: a parameter not sent has no value.
    return text, *[
        getattr(get(name), field, None) if field else read(get(name)) for name, field, read in own
    ]


def _texts(parameter: Parameter | None) -> list[str] | None:
    if parameter is None:
        return None
    if parameter.multi_value is not None:
        return parameter.multi_value
    return None if parameter.value is None else [parameter.value]  # one value sent as `value`


def _integer(parameter: Parameter | None) -> int | None:
    value = None if parameter is None else parameter.int_value
    if value is None or isinstance(value, int):
        return value
    if value.lstrip("-").isdigit():
        return int(value)
    raise BadFieldError(f"parameters[{parameter.name}].intValue", f"'{value}' is not an integer")


#: A modelled parameter: its name, and the `Parameter` field holding its value or else the
#: function reading it, as `records` reads it.
_Reader = tuple[str, str | None, Callable[[Parameter | None], Any] | None]


@functools.cache
def _readers(schema: pa.Schema) -> tuple[_Reader, ...]:
    """The columns of `schema` between `event_name` and `parameters`: modelled parameters."""
    how = {
        pa.string(): ("value", None),
        pa.bool_(): ("bool_value", None),
        pa.list_(pa.string()): (None, _texts),
        pa.int64(): (None, _integer),
    }
    names = schema.names[schema.names.index("event_name") + 1 : -1]
    return tuple((name, *how[schema.field(name).type]) for name in names)


def _compact(texts: pa.Array) -> pa.Array:
    """Each event's parameters as compact JSON text, written as `records` writes them.

    Google's text is kept when it is already what `json.dumps` of it would write (the usual
    case), and rewritten otherwise; either way the value is the same JSON. (An object naming a
    field twice, which Google does not send, would keep both where `json.dumps` keeps the last.)
    """
    rewrite = pc.match_substring_regex(texts, _NOT_COMPACT)
    if pc.any(rewrite).as_py():
        exact = [None if t is None else _json(msgspec.json.decode(t)) for t in texts.to_pylist()]
        texts = pc.if_else(rewrite, pa.array(exact, pa.binary()), texts)
    return texts.cast(pa.string())


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _google_times(values: pa.Array) -> pa.Array | None:
    """RFC 3339 timestamps as naive UTC; None if any is written otherwise or invalid."""
    if not pc.all(pc.match_substring_regex(values, _GOOGLE_TIME)).as_py():
        return None
    try:
        times = values.cast(pa.timestamp("us", "UTC")).cast(pa.timestamp("us"))
    except pa.ArrowInvalid:  # a 30th of February matches the pattern
        return None
    return None if pc.any(pc.less(times, _FIRST_DAY)).as_py() else times
