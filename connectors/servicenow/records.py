"""Table API records flattened into the rows of `connectors.servicenow.entities`.

`record_row` raises `BadFieldError` naming the ServiceNow field, so the caller can report the
record and the field together in a `RecordError`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from connectors.errors import BadFieldError
from connectors.servicenow.entities import TableField


def record_row(record: dict[str, Any], fields: tuple[TableField, ...]) -> dict[str, Any]:
    """A record read with `sysparm_display_value=all` as a row; `sys_id` is required."""
    row: dict[str, Any] = {}
    for field in fields:
        value, display = _value_and_display(record, field.name)
        row[field.column] = _typed(field, value)
        if field.display_column:
            row[field.display_column] = display
    if not row.get("sys_id"):
        raise BadFieldError("sys_id", "missing")
    row["payload"] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return row


def _value_and_display(record: dict[str, Any], name: str) -> tuple[str | None, str | None]:
    """The field's value and display value; a bare value (no display) is accepted as well."""
    item = record.get(name)
    if isinstance(item, dict):
        return _text(item.get("value"), name), _text(item.get("display_value"), name)
    return _text(item, name), None


def _text(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise BadFieldError(name, f"expected text, got {type(value).__name__}")


def _typed(field: TableField, value: str | None) -> Any:
    if value is None or field.kind in ("string", "reference", "choice"):
        return value
    try:
        if field.kind == "integer":
            return int(value)
        if field.kind == "date":
            return date.fromisoformat(value)
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        raise BadFieldError(field.name, f"'{value}' is not a valid {field.kind}") from None


def _utc(moment: datetime) -> datetime:
    # Table API values are UTC ("2026-10-30 14:03:22"); an offset, if any, is honoured.
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
