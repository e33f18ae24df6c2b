"""The raw tables landed from ServiceNow, one per Table API table, named after the table's fields.

Records are requested with `sysparm_display_value=all`, so each field arrives as
`{"value": ..., "display_value": ...}`. A field lands in the column of its name holding `value`,
the stored value: sys_ids for references, choice values, date-times in UTC. Reference and choice
fields also land `display_value` as `<field>_display_value` (the referenced record's name, the
choice's label). A dot-walked field such as `owned_by.email` lands with `_` for the dot. An empty
string, ServiceNow's "no value", lands as null. `payload` holds the whole record as received.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from connectors.base import Entity

FieldKind = Literal["string", "reference", "choice", "integer", "date", "datetime"]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "reference": pa.string(),  # the referenced record's sys_id
    "choice": pa.string(),
    "integer": pa.int64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),  # naive UTC
}


@dataclass(frozen=True)
class TableField:
    """One field of a ServiceNow table, as `sysparm_fields` names it, and its raw columns."""

    name: str
    kind: FieldKind = "string"
    reference: str | None = None  # the table a reference field points to

    @property
    def column(self) -> str:
        return self.name.replace(".", "_")

    @property
    def display_column(self) -> str | None:
        """The column of `display_value`, for fields whose value alone means little."""
        return f"{self.column}_display_value" if self.kind in ("reference", "choice") else None


@dataclass(frozen=True)
class ServiceNowTable:
    """A ServiceNow table and the entity it lands as."""

    table: str
    entity: Entity
    fields: tuple[TableField, ...]


def _table(name: str, table: str, fields: tuple[TableField, ...]) -> ServiceNowTable:
    columns = []
    for field in fields:
        columns.append(pa.field(field.column, _ARROW_TYPES[field.kind], field.name != "sys_id"))
        if field.display_column:
            columns.append(pa.field(field.display_column, pa.string()))
    columns.append(pa.field("payload", pa.string()))  # the record as received, as JSON
    return ServiceNowTable(table, Entity(name, pa.schema(columns), key=("sys_id",)), fields)


BUSINESS_APPS = _table(
    "business_apps",
    "cmdb_ci_business_app",
    (
        TableField("sys_id"),
        TableField("number"),  # APM0001001
        TableField("name"),
        TableField("short_description"),
        TableField("vendor", "reference", "core_company"),  # the publisher
        TableField("owned_by", "reference", "sys_user"),  # the business owner
        TableField("owned_by.email"),
        TableField("it_application_owner", "reference", "sys_user"),
        TableField("it_application_owner.email"),
        TableField("managed_by", "reference", "sys_user"),
        TableField("managed_by.email"),
        TableField("business_criticality", "choice"),  # "1" (1 - most critical) ... "4"
        TableField("install_status", "choice"),  # "1" Installed, "7" Retired, ...
        TableField("operational_status", "choice"),  # "1" Operational, "6" Retired, ...
        TableField("life_cycle_stage", "reference", "life_cycle_stage"),  # Operational, ...
        TableField("life_cycle_stage_status", "reference", "life_cycle_stage_status"),
        TableField("sys_created_on", "datetime"),
        TableField("sys_updated_on", "datetime"),
    ),
)

LICENSES = _table(
    "licenses",
    "alm_license",
    (
        TableField("sys_id"),
        TableField("display_name"),  # generated from the software model's display name
        TableField("asset_tag"),
        TableField("software_model", "reference", "cmdb_software_product_model"),
        TableField("vendor", "reference", "core_company"),
        TableField("rights", "integer"),  # rights purchased: the seats
        TableField("start_date", "date"),
        TableField("end_date", "date"),
        TableField("install_status", "choice"),  # "1" In use, "7" Retired, ...
        TableField("sys_created_on", "datetime"),
        TableField("sys_updated_on", "datetime"),
    ),
)

TABLES: tuple[ServiceNowTable, ...] = (BUSINESS_APPS, LICENSES)
ENTITIES: tuple[Entity, ...] = tuple(table.entity for table in TABLES)
