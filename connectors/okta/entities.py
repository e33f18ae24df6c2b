"""The raw tables landed from Okta, named after the fields of Okta's own API objects.

Field paths in comments are those of the Okta Management API objects (User, Application,
Application User, System Log LogEvent), flattened with `_`.
"""

from __future__ import annotations

import pyarrow as pa

from connectors.base import Entity

TS = pa.timestamp("us")

USERS = Entity(
    name="users",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("status", pa.string()),  # ACTIVE, DEPROVISIONED, SUSPENDED, ...
            pa.field("created", TS),
            pa.field("activated", TS),
            pa.field("last_login", TS),  # lastLogin
            pa.field("profile_login", pa.string()),
            pa.field("profile_email", pa.string()),
            pa.field("profile_first_name", pa.string()),  # profile.firstName
            pa.field("profile_last_name", pa.string()),
            pa.field("profile_department", pa.string()),
            pa.field("profile_title", pa.string()),
            pa.field("profile_user_type", pa.string()),  # profile.userType: "employee", "service"
            pa.field("profile_manager_id", pa.string()),  # profile.managerId
            pa.field("profile_cost_center", pa.string()),  # profile.costCenter
            pa.field("payload", pa.string()),  # the user object as JSON, for unmodelled fields
        ]
    ),
)

APPS = Entity(
    name="apps",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("name", pa.string()),  # the app's integration key, e.g. "slack"
            pa.field("label", pa.string()),  # what the admin named it, e.g. "Slack"
            pa.field("status", pa.string()),  # ACTIVE or INACTIVE
            pa.field("sign_on_mode", pa.string()),  # signOnMode: SAML_2_0, OPENID_CONNECT, ...
            pa.field("created", TS),
            pa.field("last_updated", TS),  # lastUpdated
            pa.field("payload", pa.string()),
        ]
    ),
)

APP_USERS = Entity(
    name="app_users",
    key=("app_id", "user_id"),
    schema=pa.schema(
        [
            pa.field("app_id", pa.string(), nullable=False),  # the app the assignment belongs to
            pa.field("user_id", pa.string(), nullable=False),  # Application User `id`
            pa.field("scope", pa.string()),  # USER or GROUP
            pa.field("status", pa.string()),  # ACTIVE, PROVISIONED, ...
            pa.field("created", TS),
            pa.field("last_updated", TS),
        ]
    ),
)

SSO_EVENTS = Entity(
    name="sso_events",
    key=("uuid",),
    kind="events",
    event_time="published",
    schema=pa.schema(
        [
            pa.field("uuid", pa.string(), nullable=False),
            pa.field("published", TS, nullable=False),
            pa.field("event_type", pa.string()),  # eventType: user.authentication.sso
            pa.field("actor_id", pa.string()),  # actor.id (the Okta user id)
            pa.field("actor_alternate_id", pa.string()),  # actor.alternateId (login e-mail)
            pa.field("target_app_id", pa.string()),  # target[type=AppInstance].id
            pa.field("target_app_display_name", pa.string()),  # target[AppInstance].displayName
            pa.field("outcome_result", pa.string()),  # outcome.result: SUCCESS, FAILURE, ...
        ]
    ),
)

#: The System Log's assignment changes (`application.user_membership.add` and `.remove`) since
#: the listing `app_users` holds began: replaced whole at each extraction, and replayed onto that
#: listing by dbt. Listing every application's users costs a request per 500 assignments (3,664
#: at 50,000 employees, 37 minutes at Okta's 100 requests a minute), so the listing is kept for
#: days and the changes since it are read instead: a few requests a day.
APP_USER_CHANGES = Entity(
    name="app_user_changes",
    key=("uuid",),
    replays_onto=APP_USERS.name,
    schema=pa.schema(
        [
            pa.field("uuid", pa.string(), nullable=False),
            pa.field("published", TS, nullable=False),
            pa.field("event_type", pa.string()),  # application.user_membership.add / .remove
            pa.field("app_id", pa.string()),  # target[type=AppInstance].id
            pa.field("user_id", pa.string()),  # target[type=User].id (the Okta user id)
            pa.field("outcome_result", pa.string()),  # outcome.result: SUCCESS, FAILURE, ...
        ]
    ),
)

#: The users updated since the listing `users` holds began (`lastUpdated gt` that instant, each in
#: its state now): replaced whole at each extraction, and replayed onto that listing by dbt. The
#: listing costs a request per 200 users (252 at 50,000 employees, re-read daily for a list that
#: changes by a few dozen users a day), so it is kept for days, as the assignments' is. A user
#: Okta deletes (only ever a deprovisioned one) leaves at the next listing.
USER_CHANGES = Entity(
    name="user_changes",
    key=("id",),
    replays_onto=USERS.name,
    schema=USERS.schema,
)

ENTITIES: tuple[Entity, ...] = (
    USERS,
    USER_CHANGES,
    APPS,
    APP_USERS,
    APP_USER_CHANGES,
    SSO_EVENTS,
)
