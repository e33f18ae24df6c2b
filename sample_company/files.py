"""Writes the business files as the business would export them: one CSV per file spec."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from connectors.files.schemas import FILE_SPECS
from sample_company.company import Company


def write_files(company: Company, directory: Path) -> dict[str, Path]:
    """Write each file spec's table to `directory/<file_name>`; returns the paths by entity.

    Exactly the spec's columns in its order, a header row, ISO dates, `.` as decimal separator,
    `true`/`false`, empty fields for nulls, `\\n` line ends: the same company gives the same bytes.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = company.file_tables()
    paths = {}
    for spec in FILE_SPECS:
        table = tables[spec.entity]
        path = directory / spec.file_name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in table.to_pylist():
                writer.writerow([_text(value) for value in row.values()])
        paths[spec.entity] = path
    return paths


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
