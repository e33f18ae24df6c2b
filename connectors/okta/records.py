"""Okta's JSON objects flattened into the rows of `connectors.okta.entities`, and its time format.

Each `*_row` function raises `BadFieldError` naming the Okta field path, so the caller can report
the record and the field together in a `RecordError`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec

from connectors.errors import BadFieldError


def format_time(moment: datetime) -> str:
    """Okta's wire format: UTC with a `Z`, milliseconds unless the value is finer than that."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    precision = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=precision) + "Z"


def parse_time(value: str) -> datetime:
    """An Okta timestamp (`2013-06-24T16:39:18.000Z`) as naive UTC; a value without zone is UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def user_row(user: dict[str, Any]) -> dict[str, Any]:
    """A User object (`GET /api/v1/users`) as a `users` row."""
    profile = _object(user, "profile")
    return {
        "id": _required(user, "id"),
        "status": _text(user, "status"),
        "created": _time(user, "created"),
        "activated": _time(user, "activated"),
        "last_login": _time(user, "lastLogin"),
        "profile_login": _text(profile, "login", "profile."),
        "profile_email": _text(profile, "email", "profile."),
        "profile_first_name": _text(profile, "firstName", "profile."),
        "profile_last_name": _text(profile, "lastName", "profile."),
        "profile_department": _text(profile, "department", "profile."),
        "profile_title": _text(profile, "title", "profile."),
        "profile_user_type": _text(profile, "userType", "profile."),
        "profile_manager_id": _text(profile, "managerId", "profile."),
        "profile_cost_center": _text(profile, "costCenter", "profile."),
        "payload": _payload(user),
    }


def app_row(app: dict[str, Any]) -> dict[str, Any]:
    """An Application object (`GET /api/v1/apps`) as an `apps` row."""
    return {
        "id": _required(app, "id"),
        "name": _text(app, "name"),
        "label": _text(app, "label"),
        "status": _text(app, "status"),
        "sign_on_mode": _text(app, "signOnMode"),
        "created": _time(app, "created"),
        "last_updated": _time(app, "lastUpdated"),
        "payload": _payload(app),
    }


def app_user_row(app_id: str, app_user: dict[str, Any]) -> dict[str, Any]:
    """An Application User (`GET /api/v1/apps/{appId}/users`) as an `app_users` row."""
    return {
        "app_id": app_id,
        "user_id": _required(app_user, "id"),
        "scope": _text(app_user, "scope"),
        "status": _text(app_user, "status"),
        "created": _time(app_user, "created"),
        "last_updated": _time(app_user, "lastUpdated"),
    }


def sso_event_row(event: dict[str, Any]) -> dict[str, Any]:
    """A System Log LogEvent as an `sso_events` row; the app is the `AppInstance` target."""
    published = _time(event, "published")
    if published is None:
        raise BadFieldError("published", "missing")
    actor = _object(event, "actor")
    targets = event.get("target") or []
    if not isinstance(targets, list):
        raise BadFieldError("target", f"expected a list, got {type(targets).__name__}")
    app = next((t for t in targets if isinstance(t, dict) and t.get("type") == "AppInstance"), {})
    return {
        "uuid": _required(event, "uuid"),
        "published": published,
        "event_type": _text(event, "eventType"),
        "actor_id": _text(actor, "id", "actor."),
        "actor_alternate_id": _text(actor, "alternateId", "actor."),
        "target_app_id": _text(app, "id", "target[AppInstance]."),
        "target_app_display_name": _text(app, "displayName", "target[AppInstance]."),
        "outcome_result": _text(_object(event, "outcome"), "result", "outcome."),
    }


def app_user_change_row(event: dict[str, Any]) -> dict[str, Any]:
    """A System Log `application.user_membership.*` LogEvent as an `app_user_changes` row.

    The application is the `AppInstance` target, the user the `User` one: the `AppUser` target
    carries an app user id of Okta's own, not the user's. A change naming neither could not be
    replayed onto the listing, so both are required.
    """
    published = _time(event, "published")
    if published is None:
        raise BadFieldError("published", "missing")
    app = _target(event, "AppInstance")
    user = _target(event, "User")
    return {
        "uuid": _required(event, "uuid"),
        "published": published,
        "event_type": _text(event, "eventType"),
        "app_id": _required(app, "id", "target[AppInstance]."),
        "user_id": _required(user, "id", "target[User]."),
        "outcome_result": _text(_object(event, "outcome"), "result", "outcome."),
    }


def _target(event: dict[str, Any], kind: str) -> dict[str, Any]:
    """The LogEvent's first target of type `kind`; a `BadFieldError` if it has none."""
    targets = event.get("target") or []
    if not isinstance(targets, list):
        raise BadFieldError("target", f"expected a list, got {type(targets).__name__}")
    found = next((t for t in targets if isinstance(t, dict) and t.get("type") == kind), None)
    if found is None:
        raise BadFieldError(f"target[{kind}]", "missing")
    return found


def _payload(obj: dict[str, Any]) -> str:
    # Compact UTF-8 JSON in Okta's key order, as `json.dumps(ensure_ascii=False)` writes it but
    # for an exponent's `+`, in a fifth of the time: 50,000 users are re-read daily at L.
    return msgspec.json.encode(obj).decode()


def _object(obj: dict[str, Any], name: str) -> dict[str, Any]:
    value = obj.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadFieldError(name, f"expected an object, got {type(value).__name__}")
    return value


def _required(obj: dict[str, Any], name: str, prefix: str = "") -> str:
    value = _text(obj, name, prefix)
    if not value:
        raise BadFieldError(prefix + name, "missing")
    return value


def _text(obj: dict[str, Any], name: str, prefix: str = "") -> str | None:
    value = obj.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        # Custom profile attributes may be typed (a numeric cost centre); keep them as JSON text.
        return json.dumps(value)
    raise BadFieldError(prefix + name, f"expected text, got {type(value).__name__}")


def _time(obj: dict[str, Any], name: str) -> datetime | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadFieldError(name, f"expected an ISO-8601 timestamp, got {type(value).__name__}")
    try:
        return parse_time(value)
    except ValueError:
        raise BadFieldError(name, f"'{value}' is not an ISO-8601 timestamp") from None
    except OverflowError:  # a valid time whose offset takes it past year 1 or 9999 in UTC
        raise BadFieldError(name, f"'{value}' is out of range once in UTC") from None
