"""The declared schema of each business file, checked line by line when the file is read.

Column types are DuckDB SQL types: DuckDB parses CSV with them, the Excel and YAML readers convert
to them, and every value that does not fit is reported with file, row and column. `required`
columns must be present and non-empty on every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from connectors.base import Entity


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    """A file type: which file it is read from and which columns it must have.

    `file_name` is the CSV name; its stem also names the other accepted formats (`spend.xlsx`).
    """

    entity: str
    file_name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def to_entity(self) -> Entity:
        return Entity(name=self.entity, schema=arrow_schema(self.columns), key=self.key)


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
}


def arrow_type(sql_type: str) -> pa.DataType:
    if sql_type.startswith("DECIMAL"):
        precision, scale = (int(p) for p in sql_type[len("DECIMAL(") : -1].split(","))
        return pa.decimal128(precision, scale)
    return _ARROW_TYPES[sql_type]


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    fields = [pa.field(c.name, arrow_type(c.sql_type), nullable=not c.required) for c in columns]
    return pa.schema(fields)


CONTRACTS = FileSpec(
    entity="contracts",
    file_name="contracts.csv",
    key=("contract_id",),
    columns=(
        Column("contract_id", "VARCHAR", required=True),
        Column("vendor", "VARCHAR", required=True),
        Column("product", "VARCHAR", required=True),  # the application as named on the contract
        Column("category", "VARCHAR"),
        Column("sku", "VARCHAR"),
        Column("seats", "INTEGER", required=True),
        Column("unit_price", "DECIMAL(18,4)", required=True),  # per seat per billing period
        Column("currency", "VARCHAR", required=True),  # ISO 4217
        Column("billing_period", "VARCHAR", required=True),  # monthly | annual
        Column("start_date", "DATE", required=True),
        Column("end_date", "DATE", required=True),
        Column("auto_renew", "BOOLEAN"),
        Column("notice_period_days", "INTEGER"),
        Column("owner_email", "VARCHAR"),  # the business owner; blank when nobody owns it
    ),
)

SPEND = FileSpec(
    entity="spend",
    file_name="spend.csv",
    key=("line_id",),
    columns=(
        Column("line_id", "VARCHAR", required=True),
        Column("invoice_id", "VARCHAR"),
        Column("invoice_date", "DATE", required=True),
        Column("vendor", "VARCHAR", required=True),
        Column("product", "VARCHAR"),  # as invoiced; spellings differ from contracts and the IdP
        Column("description", "VARCHAR"),
        Column("amount", "DECIMAL(18,2)", required=True),  # negative for credit notes
        Column("currency", "VARCHAR", required=True),
        Column("cost_center", "VARCHAR"),
        Column("payment_method", "VARCHAR"),  # invoice | card (expensed: a shadow-IT signal)
        Column("service_period_start", "DATE"),
        Column("service_period_end", "DATE"),
    ),
)

SURVEY_RESPONSES = FileSpec(
    entity="survey_responses",
    file_name="survey_responses.csv",
    key=("response_id",),
    columns=(
        Column("response_id", "VARCHAR", required=True),
        Column("submitted_at", "TIMESTAMP", required=True),
        Column("respondent_email", "VARCHAR", required=True),
        Column("application", "VARCHAR", required=True),  # as the respondent named it
        Column("satisfaction", "INTEGER", required=True),  # 1 (very unhappy) to 5 (very happy)
        Column("comment", "VARCHAR"),
    ),
)

OBJECTIVES = FileSpec(
    entity="objectives",
    file_name="objectives.csv",
    key=("objective_id",),
    columns=(
        Column("objective_id", "VARCHAR", required=True),
        Column("name", "VARCHAR", required=True),
        Column("owner_title", "VARCHAR", required=True),  # the owning executive: CMO, CFO, ...
        Column("owner_name", "VARCHAR"),
        Column("value_type", "VARCHAR", required=True),  # top_line | bottom_line
        Column("business_mode", "VARCHAR", required=True),  # run | grow
        Column("kpi", "VARCHAR", required=True),
        Column("kpi_target", "VARCHAR"),
        Column("annual_value", "DECIMAL(18,2)", required=True),
        Column("currency", "VARCHAR", required=True),
        Column("start_quarter", "VARCHAR", required=True),  # e.g. 2026-Q3
        Column("horizon_quarters", "INTEGER", required=True),
    ),
)

APPLICATION_OBJECTIVES = FileSpec(
    entity="application_objectives",
    file_name="application_objectives.csv",
    key=("application", "objective_id"),
    columns=(
        Column("application", "VARCHAR", required=True),  # as the business names it
        Column("objective_id", "VARCHAR", required=True),
        Column("contribution_weight", "DECIMAL(5,4)", required=True),  # 0 to 1
    ),
)

APPLICATION_ALIASES = FileSpec(
    entity="application_aliases",
    file_name="application_aliases.csv",
    key=("alias",),
    columns=(
        Column("alias", "VARCHAR", required=True),  # a spelling the matching rules get wrong
        Column("application", "VARCHAR", required=True),  # the canonical application it means
    ),
)

FILE_SPECS: tuple[FileSpec, ...] = (
    CONTRACTS,
    SPEND,
    SURVEY_RESPONSES,
    OBJECTIVES,
    APPLICATION_OBJECTIVES,
    APPLICATION_ALIASES,
)


def duckdb_columns(spec: FileSpec) -> dict[str, str]:
    """The `columns=` argument of DuckDB's read_csv for this spec."""
    return {c.name: c.sql_type for c in spec.columns}
