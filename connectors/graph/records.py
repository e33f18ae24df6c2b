"""Graph's JSON pages read into the rows of `connectors.graph.entities`, and its time format.

A page is decoded with its items kept as raw JSON, then each item on its own into a typed struct
holding only the properties landed (msgspec skips the rest). The raw item is the `payload` column
as Graph sent it, and an item that does not decode is reported with the property at fault, while
the other items of the page are still checked, so one run names every problem of the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
import pyarrow as pa

from connectors.base import Entity
from connectors.graph.entities import SERVICE_PRINCIPALS, SIGN_INS, SUBSCRIBED_SKUS, USERS

#: Graph's "never" in signInActivity: the first instant of year 1, not a real sign-in.
NEVER = datetime(1, 1, 1)
_MISSING = re.compile(r"Object missing required field `([^`]+)`")

Item = TypeVar("Item", bound=msgspec.Struct)


class Page(msgspec.Struct):
    """One page of a collection: its items, still as JSON, and the link to the next page."""

    value: list[msgspec.Raw]
    next_link: str | None = msgspec.field(default=None, name="@odata.nextLink")


class _Graph(msgspec.Struct, rename="camel", gc=False):
    """Graph's property names are the camelCase of the snake_case field names."""


class LicenseUnits(_Graph):
    enabled: int | None = None
    suspended: int | None = None
    warning: int | None = None
    locked_out: int | None = None


class SubscribedSku(_Graph):
    id: str
    sku_id: str | None = None
    sku_part_number: str | None = None
    applies_to: str | None = None
    capability_status: str | None = None
    consumed_units: int | None = None
    prepaid_units: LicenseUnits | None = None


class VerifiedPublisher(_Graph):
    display_name: str | None = None


class ServicePrincipal(_Graph):
    id: str
    app_id: str | None = None
    display_name: str | None = None
    app_display_name: str | None = None
    account_enabled: bool | None = None
    service_principal_type: str | None = None
    app_owner_organization_id: str | None = None
    sign_in_audience: str | None = None
    preferred_single_sign_on_mode: str | None = None
    app_role_assignment_required: bool | None = None
    homepage: str | None = None
    verified_publisher: VerifiedPublisher | None = None
    tags: list[str] | None = None


class AssignedLicense(_Graph):
    sku_id: str | None = None


class SignInActivity(_Graph):
    last_sign_in_date_time: datetime | None = None
    last_non_interactive_sign_in_date_time: datetime | None = None
    last_successful_sign_in_date_time: datetime | None = None


class User(_Graph):
    id: str
    user_principal_name: str | None = None
    mail: str | None = None
    display_name: str | None = None
    department: str | None = None
    job_title: str | None = None
    account_enabled: bool | None = None
    user_type: str | None = None
    created_date_time: datetime | None = None
    assigned_licenses: list[AssignedLicense] | None = None
    sign_in_activity: SignInActivity | None = None


class SignInStatus(_Graph):
    error_code: int | None = None
    failure_reason: str | None = None


class DeviceDetail(_Graph):
    operating_system: str | None = None
    browser: str | None = None


class Location(_Graph):
    country_or_region: str | None = None


class SignIn(_Graph):
    id: str
    created_date_time: datetime
    user_id: str | None = None
    user_principal_name: str | None = None
    user_display_name: str | None = None
    app_id: str | None = None
    app_display_name: str | None = None
    resource_id: str | None = None
    resource_display_name: str | None = None
    client_app_used: str | None = None
    ip_address: str | None = None
    is_interactive: bool | None = None
    conditional_access_status: str | None = None
    status: SignInStatus | None = None
    device_detail: DeviceDetail | None = None
    location: Location | None = None


def decode_page(body: bytes) -> Page:
    """A page's envelope; raises a `ValueError` if the body is not a Graph collection page."""
    return msgspec.json.decode(body, type=Page)


def format_time(moment: datetime) -> str:
    """Graph's `$filter` literal for an instant: ISO 8601 in UTC with a `Z`, no quotes."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


def naive_utc(moment: datetime | None) -> datetime | None:
    """An instant as naive UTC; Graph's year-1 "never" becomes None."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return None if moment == NEVER else moment


def read_items(
    items: Sequence[msgspec.Raw], kind: type[Item]
) -> tuple[list[Item], list[tuple[str, str, str]]]:
    """Each raw item as `kind`, and a (record, field, reason) for every item that is not one."""
    decoded: list[Item] = []
    problems: list[tuple[str, str, str]] = []
    for position, raw in enumerate(items, start=1):
        try:
            item = msgspec.json.decode(raw, type=kind)
        except msgspec.ValidationError as exc:
            field, reason = _where(str(exc))
            problems.append((_record_name(raw, position), field, reason))
            continue
        if not item.id:
            problems.append((f"item {position}", "id", "is empty"))
            continue
        decoded.append(item)
    return decoded, problems


def subscribed_sku_row(sku: SubscribedSku, raw: msgspec.Raw) -> dict[str, Any]:
    units = sku.prepaid_units or LicenseUnits()
    return {
        "id": sku.id,
        "sku_id": sku.sku_id,
        "sku_part_number": sku.sku_part_number,
        "applies_to": sku.applies_to,
        "capability_status": sku.capability_status,
        "consumed_units": sku.consumed_units,
        "prepaid_units_enabled": units.enabled,
        "prepaid_units_suspended": units.suspended,
        "prepaid_units_warning": units.warning,
        "prepaid_units_locked_out": units.locked_out,
        "payload": _text(raw),
    }


def service_principal_row(principal: ServicePrincipal, raw: msgspec.Raw) -> dict[str, Any]:
    publisher = principal.verified_publisher or VerifiedPublisher()
    return {
        "id": principal.id,
        "app_id": principal.app_id,
        "display_name": principal.display_name,
        "app_display_name": principal.app_display_name,
        "account_enabled": principal.account_enabled,
        "service_principal_type": principal.service_principal_type,
        "app_owner_organization_id": principal.app_owner_organization_id,
        "sign_in_audience": principal.sign_in_audience,
        "preferred_single_sign_on_mode": principal.preferred_single_sign_on_mode,
        "app_role_assignment_required": principal.app_role_assignment_required,
        "homepage": principal.homepage,
        "verified_publisher_display_name": publisher.display_name,
        "tags": principal.tags,
        "payload": _text(raw),
    }


def user_row(user: User, raw: msgspec.Raw) -> dict[str, Any]:
    activity = user.sign_in_activity or SignInActivity()
    licenses = user.assigned_licenses
    return {
        "id": user.id,
        "user_principal_name": user.user_principal_name,
        "mail": user.mail,
        "display_name": user.display_name,
        "department": user.department,
        "job_title": user.job_title,
        "account_enabled": user.account_enabled,
        "user_type": user.user_type,
        "created_date_time": naive_utc(user.created_date_time),
        "assigned_licenses_sku_ids": None
        if licenses is None
        else [license.sku_id for license in licenses if license.sku_id],
        "sign_in_activity_last_sign_in_date_time": naive_utc(activity.last_sign_in_date_time),
        "sign_in_activity_last_non_interactive_sign_in_date_time": naive_utc(
            activity.last_non_interactive_sign_in_date_time
        ),
        "sign_in_activity_last_successful_sign_in_date_time": naive_utc(
            activity.last_successful_sign_in_date_time
        ),
        "payload": _text(raw),
    }


#: How each inventory entity's items are read: the struct, and the row it becomes.
INVENTORIES: dict[str, tuple[Entity, type[msgspec.Struct], Callable[..., dict[str, Any]]]] = {
    SUBSCRIBED_SKUS.name: (SUBSCRIBED_SKUS, SubscribedSku, subscribed_sku_row),
    SERVICE_PRINCIPALS.name: (SERVICE_PRINCIPALS, ServicePrincipal, service_principal_row),
    USERS.name: (USERS, User, user_row),
}


def sign_in_batch(sign_ins: list[SignIn]) -> pa.RecordBatch:
    """Sign-ins as a `sign_ins` batch, built column by column."""
    no_status, no_device, no_location = SignInStatus(), DeviceDetail(), Location()
    status = [s.status or no_status for s in sign_ins]
    device = [s.device_detail or no_device for s in sign_ins]
    columns = {
        "id": [s.id for s in sign_ins],
        "created_date_time": [naive_utc(s.created_date_time) for s in sign_ins],
        "user_id": [s.user_id for s in sign_ins],
        "user_principal_name": [s.user_principal_name for s in sign_ins],
        "user_display_name": [s.user_display_name for s in sign_ins],
        "app_id": [s.app_id for s in sign_ins],
        "app_display_name": [s.app_display_name for s in sign_ins],
        "resource_id": [s.resource_id for s in sign_ins],
        "resource_display_name": [s.resource_display_name for s in sign_ins],
        "client_app_used": [s.client_app_used for s in sign_ins],
        "ip_address": [s.ip_address for s in sign_ins],
        "is_interactive": [s.is_interactive for s in sign_ins],
        "conditional_access_status": [s.conditional_access_status for s in sign_ins],
        "status_error_code": [s.error_code for s in status],
        "status_failure_reason": [s.failure_reason for s in status],
        "device_detail_operating_system": [d.operating_system for d in device],
        "device_detail_browser": [d.browser for d in device],
        "location_country_or_region": [
            (s.location or no_location).country_or_region for s in sign_ins
        ],
    }
    return pa.RecordBatch.from_arrays(
        [pa.array(columns[f.name], f.type) for f in SIGN_INS.schema], schema=SIGN_INS.schema
    )


def _text(raw: msgspec.Raw) -> str:
    return bytes(raw).decode("utf-8")


def _where(message: str) -> tuple[str, str]:
    """(field path, reason) from a msgspec message like "Expected `int`, got `str` - at `$.a.b`"."""
    reason, found, at = message.rpartition(" - at ")
    if not found:  # an error at the top of the item has no path
        reason, at = message, "$"
    field = at.strip("`").removeprefix("$").lstrip(".")
    if missing := _MISSING.match(reason):
        field, reason = ".".join(part for part in (field, missing.group(1)) if part), "missing"
    return field or "(item)", reason


def _record_name(raw: msgspec.Raw, position: int) -> str:
    try:
        item = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        item = None
    name = item.get("id") if isinstance(item, dict) else None
    return name if isinstance(name, str) and name else f"item {position}"
