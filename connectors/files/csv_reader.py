"""Reads a business CSV file against its declared schema.

DuckDB parses the file with the declared types and keeps every value it cannot convert in its
rejects table, so a bad file is reported in full (file, line, column, value) in one pass instead of
failing on its first bad cell. A file with any bad record is refused whole: the raw table keeps its
last good version rather than a partial one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors.errors import RecordError, SourceError
from connectors.files.header import check_header
from connectors.files.schemas import FileSpec, duckdb_columns

BATCH_ROWS = 100_000


def read_csv(spec: FileSpec, path: Path, source: str) -> Iterator[pa.RecordBatch]:
    """Yield the file's rows in the entity schema; raise `RecordError` listing every bad value."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        # Reading the header decodes the first block of the file, often a data line or two.
        raise SourceError(
            source, f"{path.name}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from exc
    check_header(spec, header, f"{path.name} line 1 (header)", source)
    types = duckdb_columns(spec)
    file_columns = {name: types[name] for name in header}
    select = ", ".join(
        f'"{c.name}"' if c.name in file_columns else f'null::{c.sql_type} as "{c.name}"'
        for c in spec.columns
    )
    schema = spec.to_entity().schema
    required = [c.name for c in spec.columns if c.required]
    empties: list[tuple[int, str, str]] = []
    con = duckdb.connect()
    try:
        reader = con.execute(
            f"select {select} from read_csv(?, header = true, columns = ?, auto_detect = false,"
            " store_rejects = true, dateformat = '%Y-%m-%d')",
            [str(path), file_columns],
        ).fetch_record_batch(BATCH_ROWS)
        # Batches stream out as they are parsed; the errors are raised once the whole file has
        # been read, which is safe because the loader commits nothing from a failed extraction.
        line = 2  # the first data line: line 1 is the header (rejected lines not counted yet)
        for raw_batch in reader:
            batch = pa.RecordBatch.from_arrays(
                [raw_batch.column(i).cast(f.type) for i, f in enumerate(schema)], schema=schema
            )
            empties += _empty_required(batch, required, line)
            line += batch.num_rows
            yield batch
        rejects = con.execute(
            "select line, column_name, error_message from reject_errors order by line"
        ).fetchall()
    finally:
        con.close()
    rejected_lines = sorted({n for n, _, _ in rejects})
    found = [(n, col, msg) for n, col, msg in rejects]
    found += [(_skip_rejected(n, rejected_lines), col, msg) for n, col, msg in empties]
    if found:
        problems = [(f"{path.name} line {n}", col, msg) for n, col, msg in sorted(found)]
        raise RecordError(source, spec.entity, problems)


def _empty_required(
    batch: pa.RecordBatch, required: list[str], first_line: int
) -> list[tuple[int, str, str]]:
    """(line, field, reason) for each required value left empty in the batch."""
    problems = []
    for name in required:
        values = batch.column(name)
        empty = pc.is_null(values)
        if pa.types.is_string(values.type):
            empty = pc.or_(empty, pc.equal(pc.utf8_trim_whitespace(values), ""))
        for index in pc.indices_nonzero(pc.fill_null(empty, True)).to_pylist():
            problems.append((first_line + index, name, "is empty"))
    return problems


def _skip_rejected(line: int, rejected_lines: list[int]) -> int:
    """The file line of a parsed row counted without the rejected lines before it."""
    for rejected in rejected_lines:
        if rejected <= line:
            line += 1
    return line
