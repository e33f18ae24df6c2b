"""The raw tables landed from Snipe-IT, named after the fields of its API objects.

Field paths in comments are those of the objects `GET /api/v1/licenses` and
`GET /api/v1/licenses/{id}/seats` return, flattened with `_`. Snipe-IT sends dates as
`{"date", "formatted"}` and timestamps as `{"datetime", "formatted"}` objects; the raw value lands.
A license's `product_key` (its serial) is a secret and is never landed, not even in `payload`.
"""

from __future__ import annotations

import pyarrow as pa

from connectors.base import Entity

TS = pa.timestamp("us")
#: Snipe-IT keeps purchase costs as DECIMAL(20,2), in the instance's one currency (Settings).
MONEY = pa.decimal128(20, 2)

LICENSES = Entity(
    name="licenses",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            pa.field("name", pa.string()),  # the software as the admin named it
            pa.field("company_id", pa.int64()),  # company.id
            pa.field("company_name", pa.string()),  # company.name
            pa.field("manufacturer_id", pa.int64()),  # manufacturer.id
            pa.field("manufacturer_name", pa.string()),  # manufacturer.name
            pa.field("order_number", pa.string()),
            pa.field("purchase_order", pa.string()),
            pa.field("purchase_date", pa.date32()),  # purchase_date.date
            pa.field("termination_date", pa.date32()),  # termination_date.date
            pa.field("expiration_date", pa.date32()),  # expiration_date.date
            pa.field("depreciation_id", pa.int64()),  # depreciation.id
            pa.field("depreciation_name", pa.string()),  # depreciation.name
            pa.field("purchase_cost_numeric", MONEY),  # purchase_cost_numeric (not the formatted)
            pa.field("notes", pa.string()),
            pa.field("seats", pa.int64()),  # seats bought
            pa.field("free_seats_count", pa.int64()),  # seats not checked out
            pa.field("license_name", pa.string()),  # "Licensed to Name"
            pa.field("license_email", pa.string()),  # "Licensed to Email"
            pa.field("reassignable", pa.bool_()),
            pa.field("maintained", pa.bool_()),  # under a maintenance (renewal) contract
            pa.field("supplier_id", pa.int64()),  # supplier.id
            pa.field("supplier_name", pa.string()),  # supplier.name
            pa.field("category_id", pa.int64()),  # category.id
            pa.field("category_name", pa.string()),  # category.name
            pa.field("user_can_checkout", pa.bool_()),  # a seat is free
            pa.field("created_at", TS),  # created_at.datetime
            pa.field("updated_at", TS),  # updated_at.datetime
            pa.field("deleted_at", TS),  # deleted_at.datetime
            pa.field("payload", pa.string()),  # the license object as JSON, without product_key
        ]
    ),
)

LICENSE_SEATS = Entity(
    name="license_seats",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),  # seat ids are unique across licenses
            pa.field("license_id", pa.int64(), nullable=False),
            pa.field("assigned_user_id", pa.int64()),  # assigned_user.id (a Snipe-IT user)
            pa.field("assigned_user_name", pa.string()),  # assigned_user.name
            pa.field("assigned_user_email", pa.string()),  # assigned_user.email
            pa.field("assigned_user_department_id", pa.int64()),  # assigned_user.department.id
            pa.field("assigned_user_department_name", pa.string()),
            pa.field("assigned_asset_id", pa.int64()),  # assigned_asset.id (a device)
            pa.field("assigned_asset_name", pa.string()),  # assigned_asset.name
            pa.field("location_id", pa.int64()),  # location.id
            pa.field("location_name", pa.string()),  # location.name
            pa.field("reassignable", pa.bool_()),
            pa.field("user_can_checkout", pa.bool_()),  # nobody and nothing holds the seat
            pa.field("disabled", pa.bool_()),
            pa.field("notes", pa.string()),
            pa.field("updated_at", TS),  # updated_at.datetime: changes at checkout and checkin
        ]
    ),
)

ENTITIES: tuple[Entity, ...] = (LICENSES, LICENSE_SEATS)
