"""Reports API activities flattened into the rows of `connectors.google.entities`.

Each event of an activity is one row. Functions raise `BadFieldError` naming the field path, so
the connector can report the activity and the field together in a `RecordError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from connectors.errors import BadFieldError

Row = dict[str, Any]


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as the Reports API writes and reads times."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def parse_time(value: str) -> datetime:
    """An RFC 3339 timestamp as naive UTC; a value without zone is taken as UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def token_fields(parameters: dict[str, dict[str, Any]]) -> Row:
    """The modelled parameters of an OAuth token event (authorize, revoke, activity)."""
    return {
        "app_name": _text(parameters, "app_name"),
        "client_id": _text(parameters, "client_id"),
        "client_type": _text(parameters, "client_type"),
        "scope": _texts(parameters, "scope"),
        "api_name": _text(parameters, "api_name"),
        "method_name": _text(parameters, "method_name"),
        "num_response_bytes": _integer(parameters, "num_response_bytes"),
        "product_bucket": _text(parameters, "product_bucket"),
    }


def login_fields(parameters: dict[str, dict[str, Any]]) -> Row:
    """The modelled parameters of a login event (login_success, login_failure, logout, ...)."""
    return {
        "login_type": _text(parameters, "login_type"),
        "login_challenge_method": _texts(parameters, "login_challenge_method"),
        "login_failure_type": _text(parameters, "login_failure_type"),
        "is_suspicious": _boolean(parameters, "is_suspicious"),
    }


def activity_rows(
    activity: dict[str, Any], fields: Callable[[dict[str, dict[str, Any]]], Row]
) -> list[Row]:
    """One row per event of `activity`; `fields` reads the application's own parameters."""
    ident = _object(activity, "id")
    actor = _object(activity, "actor")
    time = ident.get("time")
    if not isinstance(time, str):
        raise BadFieldError("id.time", "missing" if time is None else "expected a timestamp")
    try:
        id_time = parse_time(time)
    except ValueError:
        raise BadFieldError("id.time", f"'{time}' is not an RFC 3339 timestamp") from None
    qualifier = _scalar_text(ident, "uniqueQualifier", "id.")
    if not qualifier:
        raise BadFieldError("id.uniqueQualifier", "missing")
    base = {
        "id_time": id_time,
        "id_unique_qualifier": qualifier,
        "id_application_name": _scalar_text(ident, "applicationName", "id."),
        "id_customer_id": _scalar_text(ident, "customerId", "id."),
        "actor_email": _scalar_text(actor, "email", "actor."),
        "actor_profile_id": _scalar_text(actor, "profileId", "actor."),
        "actor_caller_type": _scalar_text(actor, "callerType", "actor."),
        "ip_address": _scalar_text(activity, "ipAddress"),
    }
    events = activity.get("events") or []
    if not isinstance(events, list):
        raise BadFieldError("events", f"expected a list, got {type(events).__name__}")
    rows = []
    for index, event in enumerate(events):
        where = f"events[{index}]."
        if not isinstance(event, dict):
            raise BadFieldError(f"events[{index}]", "is not a JSON object")
        name = _scalar_text(event, "name", where)
        if not name:
            raise BadFieldError(where + "name", "missing")
        parameters = event.get("parameters")
        try:
            modelled = fields(_by_name(parameters))
        except BadFieldError as bad:
            raise BadFieldError(where + bad.field, bad.reason) from None
        rows.append(
            base
            | {"event_index": index, "event_type": _scalar_text(event, "type", where)}
            | {"event_name": name}
            | modelled
            | {"parameters": None if parameters is None else _json(parameters)}
        )
    return rows


def _by_name(parameters: Any) -> dict[str, dict[str, Any]]:
    if parameters is None:
        return {}
    if not isinstance(parameters, list):
        raise BadFieldError("parameters", f"expected a list, got {type(parameters).__name__}")
    named = {}
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
            raise BadFieldError("parameters", "holds an item without a name")
        named[parameter["name"]] = parameter
    return named


def _text(parameters: dict[str, dict[str, Any]], name: str) -> str | None:
    value = parameters.get(name, {}).get("value")
    if value is None or isinstance(value, str):
        return value
    raise BadFieldError(f"parameters[{name}].value", f"expected text, got {type(value).__name__}")


def _texts(parameters: dict[str, dict[str, Any]], name: str) -> list[str] | None:
    parameter = parameters.get(name, {})
    values = parameter.get("multiValue")
    if values is None:
        single = _text(parameters, name)  # a one-value parameter may come as `value`
        return None if single is None else [single]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadFieldError(f"parameters[{name}].multiValue", "expected a list of text")
    return values


def _integer(parameters: dict[str, dict[str, Any]], name: str) -> int | None:
    value = parameters.get(name, {}).get("intValue")
    if value is None:
        return None
    # Google writes int64 values as JSON strings, so they survive JavaScript clients.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise BadFieldError(f"parameters[{name}].intValue", f"'{value}' is not an integer")


def _boolean(parameters: dict[str, dict[str, Any]], name: str) -> bool | None:
    value = parameters.get(name, {}).get("boolValue")
    if value is None or isinstance(value, bool):
        return value
    raise BadFieldError(f"parameters[{name}].boolValue", f"expected true or false, got {value!r}")


def _object(obj: dict[str, Any], name: str) -> dict[str, Any]:
    value = obj.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadFieldError(name, f"expected an object, got {type(value).__name__}")
    return value


def _scalar_text(obj: dict[str, Any], name: str, prefix: str = "") -> str | None:
    value = obj.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # an id sent as a number keeps its digits
    raise BadFieldError(prefix + name, f"expected text, got {type(value).__name__}")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
