"""Reads an Excel workbook (finance exports spend and contracts as .xlsx) against its schema.

openpyxl's read-only mode streams the sheet row by row, so a large export is never held whole in
memory beyond openpyxl's own shared-string table. Cells typed by Excel and cells typed in as text
are both converted as the CSV path would (see `values`), and, as for CSV, every problem is reported
with sheet, row and column before the file is refused whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from zipfile import BadZipFile

import openpyxl
import pyarrow as pa
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from connectors.errors import RecordError, SourceError
from connectors.files.header import check_header
from connectors.files.schemas import FileSpec
from connectors.files.values import BadValueError, Converter, converter, is_empty

BATCH_ROWS = 50_000


def read_xlsx(spec: FileSpec, path: Path, source: str) -> Iterator[pa.RecordBatch]:
    """Yield the sheet's rows in the entity schema; raise `RecordError` listing every bad value.

    The sheet named like the entity (any case) is read, else the first one. Row 1 is the header;
    blank rows are skipped, and cells under a blank header cell are ignored (notes beside a table).
    """
    try:
        # data_only: a formula cell gives the value Excel last computed, not its formula text.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError) as exc:
        raise SourceError(source, f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = _entity_sheet(workbook, spec.entity)
        # A wrong <dimension> record, written by some exporters, would otherwise cut rows off.
        sheet.reset_dimensions()
        where = f"{path.name} sheet '{sheet.title}'"
        rows = sheet.iter_rows(values_only=True)
        header = ["" if cell is None else str(cell).strip() for cell in next(rows, ())]
        check_header(spec, [name for name in header if name], f"{where} row 1 (header)", source)
        yield from _batches(spec, header, rows, where, source)
    finally:
        workbook.close()


def _entity_sheet(workbook: Workbook, entity: str) -> ReadOnlyWorksheet:
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower().replace(" ", "_") == entity:
            return sheet
    return workbook.worksheets[0]


def _batches(
    spec: FileSpec, header: list[str], rows: Iterable[tuple[object, ...]], where: str, source: str
) -> Iterator[pa.RecordBatch]:
    schema = spec.to_entity().schema
    positions = {name: index for index, name in enumerate(header) if name}
    columns = [(c, positions.get(c.name), converter(c.sql_type)) for c in spec.columns]
    problems: list[tuple[str, str, str]] = []
    buffers: list[list[object]] = [[] for _ in columns]
    for number, row in enumerate(rows, start=2):
        if all(is_empty(cell) for cell in row):
            continue
        record = f"{where} row {number}"
        values, bad = [], False
        for column, position, convert in columns:
            cell = row[position] if position is not None and position < len(row) else None
            try:
                values.append(_cell_value(cell, column.required, convert))
            except BadValueError as reason:
                problems.append((record, column.name, str(reason)))
                bad = True
        if bad:
            continue
        for buffer, value in zip(buffers, values, strict=True):
            buffer.append(value)
        if len(buffers[0]) == BATCH_ROWS:
            yield _batch(buffers, schema)
            buffers = [[] for _ in columns]
    if buffers[0]:
        yield _batch(buffers, schema)
    # Raised after the last batch, which is safe: the loader commits nothing from a failed read.
    if problems:
        raise RecordError(source, spec.entity, problems)


def _cell_value(cell: object, required: bool, convert: Converter) -> object:
    if is_empty(cell):
        if required:
            raise BadValueError("is empty")
        return None
    if isinstance(cell, str) and cell in ERROR_CODES:
        raise BadValueError(f"the cell holds the Excel error {cell}")
    return convert(cell)


def _batch(buffers: list[list[object]], schema: pa.Schema) -> pa.RecordBatch:
    arrays = [
        pa.array(values, type=field.type) for values, field in zip(buffers, schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
