"""Snipe-IT's JSON objects flattened into the rows of `connectors.snipeit.entities`.

Snipe-IT passes every text field through PHP's `e()` (HTML escaping) and sends a missing text as
`""`, so text is unescaped and an empty text lands as null: "AT&amp;T" would otherwise never match
"AT&T". Each `*_row` function raises `BadFieldError` naming the Snipe-IT field path, so the caller
can report the record and the field together in a `RecordError`.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.errors import BadFieldError

#: Fields of a license never landed: `product_key` is the license's serial, a secret.
SECRET_FIELDS = frozenset({"product_key"})
_CENT = Decimal("0.01")


def license_row(license: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """A license of `GET /api/v1/licenses` as a `licenses` row; `zone` is the instance's zone."""
    company_id, company_name = _reference(license, "company")
    manufacturer_id, manufacturer_name = _reference(license, "manufacturer")
    depreciation_id, depreciation_name = _reference(license, "depreciation")
    supplier_id, supplier_name = _reference(license, "supplier")
    category_id, category_name = _reference(license, "category")
    return {
        "id": _required_int(license, "id"),
        "name": _text(license, "name"),
        "company_id": company_id,
        "company_name": company_name,
        "manufacturer_id": manufacturer_id,
        "manufacturer_name": manufacturer_name,
        "order_number": _text(license, "order_number"),
        "purchase_order": _text(license, "purchase_order"),
        "purchase_date": _date(license, "purchase_date"),
        "termination_date": _date(license, "termination_date"),
        "expiration_date": _date(license, "expiration_date"),
        "depreciation_id": depreciation_id,
        "depreciation_name": depreciation_name,
        "purchase_cost_numeric": _money(license, "purchase_cost_numeric"),
        "notes": _text(license, "notes"),
        "seats": _int(license, "seats"),
        "free_seats_count": _int(license, "free_seats_count"),
        "license_name": _text(license, "license_name"),
        "license_email": _text(license, "license_email"),
        "reassignable": _bool(license, "reassignable"),
        "maintained": _bool(license, "maintained"),
        "supplier_id": supplier_id,
        "supplier_name": supplier_name,
        "category_id": category_id,
        "category_name": category_name,
        "user_can_checkout": _bool(license, "user_can_checkout"),
        "created_at": _timestamp(license, "created_at", zone),
        "updated_at": _timestamp(license, "updated_at", zone),
        "deleted_at": _timestamp(license, "deleted_at", zone),
        "payload": payload(license),
    }


def seat_row(seat: dict[str, Any], license_id: int, zone: tzinfo) -> dict[str, Any]:
    """A seat of `GET /api/v1/licenses/{license_id}/seats` as a `license_seats` row."""
    user = _object(seat, "assigned_user")
    department_id, department_name = _reference(user, "department", "assigned_user.")
    asset_id, asset_name = _reference(seat, "assigned_asset")
    location_id, location_name = _reference(seat, "location")
    owner = _int(seat, "license_id")
    if owner is not None and owner != license_id:
        raise BadFieldError("license_id", f"is {owner}, but the seat was listed for {license_id}")
    return {
        "id": _required_int(seat, "id"),
        "license_id": license_id,
        "assigned_user_id": _int(user, "id", "assigned_user."),
        "assigned_user_name": _text(user, "name", "assigned_user."),
        "assigned_user_email": _text(user, "email", "assigned_user."),
        "assigned_user_department_id": department_id,
        "assigned_user_department_name": department_name,
        "assigned_asset_id": asset_id,
        "assigned_asset_name": asset_name,
        "location_id": location_id,
        "location_name": location_name,
        "reassignable": _bool(seat, "reassignable"),
        "user_can_checkout": _bool(seat, "user_can_checkout"),
        "disabled": _bool(seat, "disabled"),
        "notes": _text(seat, "notes"),
        "updated_at": _timestamp(seat, "updated_at", zone),
    }


def payload(obj: dict[str, Any]) -> str:
    """The object as Snipe-IT sent it, as JSON text, less the fields that are secrets."""
    kept = {name: value for name, value in obj.items() if name not in SECRET_FIELDS}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def parse_timestamp(value: str, zone: tzinfo) -> datetime:
    """`2026-10-31 14:05:00` (Snipe-IT's wall clock in `zone`) as naive UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _object(obj: dict[str, Any], name: str, prefix: str = "") -> dict[str, Any]:
    value = obj.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadFieldError(prefix + name, f"expected an object, got {type(value).__name__}")
    return value


def _reference(obj: dict[str, Any], name: str, prefix: str = "") -> tuple[int | None, str | None]:
    """The `{"id", "name"}` object Snipe-IT uses for every related record."""
    related = _object(obj, name, prefix)
    path = f"{prefix}{name}."
    return _int(related, "id", path), _text(related, "name", path)


def _text(obj: dict[str, Any], name: str, prefix: str = "") -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadFieldError(prefix + name, f"expected text, got {type(value).__name__}")
    text = html.unescape(str(value))
    return text or None


def _int(obj: dict[str, Any], name: str, prefix: str = "") -> int | None:
    value = obj.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise BadFieldError(prefix + name, f"expected an integer, got {value!r}")


def _required_int(obj: dict[str, Any], name: str) -> int:
    value = _int(obj, name)
    if value is None:
        raise BadFieldError(name, "missing")
    return value


def _bool(obj: dict[str, Any], name: str) -> bool | None:
    value = obj.get(name)
    if value is None or isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):  # older Snipe-IT versions send the database's 0/1
        return bool(int(value))
    raise BadFieldError(name, f"expected true or false, got {value!r}")


def _money(obj: dict[str, Any], name: str) -> Decimal | None:
    value = obj.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadFieldError(name, f"expected a number, got {type(value).__name__}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BadFieldError(name, f"'{value}' is not a number") from None
    if not amount.is_finite():
        raise BadFieldError(name, f"'{value}' is not a number")
    return amount.quantize(_CENT)


def _date(obj: dict[str, Any], name: str) -> date | None:
    raw = _object(obj, name).get("date")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise BadFieldError(f"{name}.date", f"expected a date, got {type(raw).__name__}")
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise BadFieldError(f"{name}.date", f"'{raw}' is not a YYYY-MM-DD date") from None


def _timestamp(obj: dict[str, Any], name: str, zone: tzinfo) -> datetime | None:
    raw = _object(obj, name).get("datetime")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise BadFieldError(f"{name}.datetime", f"expected a timestamp, got {type(raw).__name__}")
    try:
        return parse_timestamp(raw, zone)
    except ValueError:
        raise BadFieldError(f"{name}.datetime", f"'{raw}' is not a timestamp") from None
