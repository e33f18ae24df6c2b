"""The raw tables landed from the Admin SDK Reports API, one row per event of an activity.

An activity (`GET .../activity/users/all/applications/{applicationName}`) holds one or more
events; each event becomes a row carrying its activity's fields. Field paths in comments are those
of the Reports API `Activity` resource, flattened with `_`; `parameters[x]` is the value of the
event parameter named x (`value`, `multiValue`, `intValue` or `boolValue`, whichever it has).

Key: Google identifies an activity by `id.time` and `id.uniqueQualifier` (the qualifier tells
apart activities of the same instant), and an event by its position in the activity's `events`.
So `(id_time, id_unique_qualifier, event_index)` is the same for the same event on every read,
and re-extracting an overlapping window de-duplicates exactly.
"""

from __future__ import annotations

import pyarrow as pa

from connectors.base import Entity

TS = pa.timestamp("us")
KEY = ("id_time", "id_unique_qualifier", "event_index")


def _activity_fields() -> list[pa.Field]:
    """The fields every activity has, whichever the application."""
    return [
        pa.field("id_time", TS, nullable=False),  # id.time
        pa.field("id_unique_qualifier", pa.string(), nullable=False),  # id.uniqueQualifier
        pa.field("event_index", pa.int32(), nullable=False),  # position in events[], from 0
        pa.field("id_application_name", pa.string()),  # id.applicationName: token, login
        pa.field("id_customer_id", pa.string()),  # id.customerId
        pa.field("actor_email", pa.string()),  # actor.email
        pa.field("actor_profile_id", pa.string()),  # actor.profileId
        pa.field("actor_caller_type", pa.string()),  # actor.callerType: USER, KEY
        pa.field("ip_address", pa.string()),  # ipAddress
        pa.field("event_type", pa.string()),  # events[].type: auth (token), login (login)
        pa.field("event_name", pa.string(), nullable=False),  # events[].name
    ]


TOKEN_ACTIVITIES = Entity(
    name="token_activities",
    key=KEY,
    kind="events",
    event_time="id_time",
    schema=pa.schema(
        [
            *_activity_fields(),  # event_name: authorize, revoke, activity
            pa.field("app_name", pa.string()),  # parameters[app_name]: the OAuth app's name
            pa.field("client_id", pa.string()),  # parameters[client_id]
            pa.field("client_type", pa.string()),  # parameters[client_type]: WEB, NATIVE_IOS, ...
            pa.field("scope", pa.list_(pa.string())),  # parameters[scope] (multiValue)
            pa.field("api_name", pa.string()),  # parameters[api_name] (activity events)
            pa.field("method_name", pa.string()),  # parameters[method_name] (activity events)
            pa.field("num_response_bytes", pa.int64()),  # parameters[num_response_bytes]
            pa.field("product_bucket", pa.string()),  # parameters[product_bucket]: GMAIL, ...
            pa.field("parameters", pa.string()),  # events[].parameters as JSON, for the rest
        ]
    ),
)

LOGIN_ACTIVITIES = Entity(
    name="login_activities",
    key=KEY,
    kind="events",
    event_time="id_time",
    schema=pa.schema(
        [
            *_activity_fields(),  # event_name: login_success, login_failure, logout, ...
            pa.field("login_type", pa.string()),  # parameters[login_type]: saml, google_password
            pa.field("login_challenge_method", pa.list_(pa.string())),  # (multiValue)
            pa.field("login_failure_type", pa.string()),  # parameters[login_failure_type]
            pa.field("is_suspicious", pa.bool_()),  # parameters[is_suspicious] (boolValue)
            pa.field("parameters", pa.string()),  # events[].parameters as JSON, for the rest
        ]
    ),
)

#: The Reports API `applicationName` each entity is read from.
APPLICATION_NAMES = {TOKEN_ACTIVITIES.name: "token", LOGIN_ACTIVITIES.name: "login"}

ENTITIES: tuple[Entity, ...] = (TOKEN_ACTIVITIES, LOGIN_ACTIVITIES)
