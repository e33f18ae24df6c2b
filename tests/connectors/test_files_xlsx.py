"""Excel workbooks: native and typed-in cells read like CSV; errors name sheet, row and column."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from connectors.errors import RecordError, SourceError
from connectors.files import xlsx_reader
from connectors.files.reader import FilesConnector
from connectors.files.schemas import SPEND

HEADER = ["line_id", "invoice_date", "vendor", "amount", "currency"]
GOOD_ROW = ["L-1", datetime(2026, 3, 1), "Slack Technologies", 1250.5, "USD"]


def write_workbook(path: Path, rows: list[list[object]], title: str = "Spend") -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def read_all(directory: Path, entity: str = "spend") -> pa.Table:
    return pa.Table.from_batches(list(FilesConnector(directory).extract(entity)))


def test_native_and_typed_in_cells_are_read_in_the_declared_schema(tmp_path: Path) -> None:
    # GIVEN a workbook whose spend sheet is not the first, with columns reordered, Excel-native
    # cells and text cells, a blank row, and a note beside the table under no header
    workbook = openpyxl.Workbook()
    workbook.active.title = "Read me"
    sheet = workbook.create_sheet("Spend")
    for row in [
        [
            "amount",
            "invoice_date",
            "line_id",
            "vendor",
            "currency",
            "invoice_id",
            None,
            "service_period_start",
            "payment_method",
        ],
        [1250.5, datetime(2026, 3, 1), "L-1", "Slack", "USD", 10045, "a note", "2026-03-01", None],
        [None] * 9,
        ["-99.99", "2026-03-15", "L-2", "Zoom", "EUR", "INV-7", None, datetime(2026, 3, 1), "card"],
        [12, datetime(2026, 4, 1), "L-3", "Miro", "USD", None, None, None, None],
    ]:
        sheet.append(row)
    workbook.save(tmp_path / "spend.xlsx")

    # WHEN it is read
    table = read_all(tmp_path)

    # THEN it has the entity schema and each cell its declared type, exactly
    assert table.schema == SPEND.to_entity().schema
    rows = table.to_pylist()
    assert [row["line_id"] for row in rows] == ["L-1", "L-2", "L-3"]
    assert [row["amount"] for row in rows] == [Decimal("1250.50"), Decimal("-99.99"), Decimal(12)]
    assert [row["invoice_date"] for row in rows] == [
        date(2026, 3, 1),
        date(2026, 3, 15),
        date(2026, 4, 1),
    ]
    assert [row["invoice_id"] for row in rows] == ["10045", "INV-7", None]
    assert rows[0]["service_period_start"] == rows[1]["service_period_start"] == date(2026, 3, 1)
    assert rows[1]["payment_method"] == "card"
    assert rows[0]["description"] is None


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        pytest.param(
            "invoice_date", "2026-13-45", "could not convert '2026-13-45' to DATE", id="bad-date"
        ),
        pytest.param("invoice_date", 46082, "is a number, not a DATE", id="date-as-number"),
        pytest.param(
            "amount", "12,50", "could not convert '12,50' to DECIMAL(18,2)", id="bad-number"
        ),
        pytest.param("amount", 0.125, "0.125 has more than 2 decimal places", id="too-precise"),
        pytest.param("currency", None, "is empty", id="empty-required"),
        pytest.param("currency", "  ", "is empty", id="blank-required"),
        pytest.param(
            "amount", "#DIV/0!", "the cell holds the Excel error #DIV/0!", id="excel-error"
        ),
    ],
)
def test_a_bad_cell_is_reported_with_file_sheet_row_and_column(
    tmp_path: Path, column: str, cell: object, reason: str
) -> None:
    # GIVEN a good row (row 2) and a bad one (row 3)
    bad_row = list(GOOD_ROW)
    bad_row[HEADER.index(column)] = cell
    write_workbook(tmp_path / "spend.xlsx", [HEADER, GOOD_ROW, bad_row])

    # WHEN it is read THEN the file is refused and the error says where and why
    with pytest.raises(RecordError) as raised:
        read_all(tmp_path)

    [(record, field, why)] = raised.value.problems
    assert (record, field) == ("spend.xlsx sheet 'Spend' row 3", column)
    assert reason in why
    assert (
        f"[files] spend: 1 bad record(s): spend.xlsx sheet 'Spend' row 3 field '{column}'"
        in str(raised.value)
    )


def test_every_bad_cell_is_reported_with_its_sheet_row_after_blank_rows(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "spend.xlsx",
        [
            HEADER,
            ["L-1", "01/03/2026", "Slack", 10, "USD"],
            [],
            [],
            ["L-4", None, "Zoom", "x", "USD"],
        ],
        title="Sheet1",
    )

    with pytest.raises(RecordError) as raised:
        read_all(tmp_path)

    assert [(record, field) for record, field, _ in raised.value.problems] == [
        ("spend.xlsx sheet 'Sheet1' row 2", "invoice_date"),
        ("spend.xlsx sheet 'Sheet1' row 5", "invoice_date"),
        ("spend.xlsx sheet 'Sheet1' row 5", "amount"),
    ]


def test_a_wrong_header_names_the_sheet_and_the_missing_columns(tmp_path: Path) -> None:
    write_workbook(tmp_path / "spend.xlsx", [["line_id", "vendor", "amount", "currency", "colour"]])

    with pytest.raises(SourceError) as raised:
        read_all(tmp_path)

    message = str(raised.value)
    assert "spend.xlsx sheet 'Spend' row 1 (header)" in message
    assert "missing required column(s) ['invoice_date']" in message
    assert "unknown column(s) ['colour']" in message


def test_rows_stream_out_in_batches_of_the_configured_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_reader, "BATCH_ROWS", 2)
    rows = [[f"L-{n}", datetime(2026, 3, 1), "Slack", n, "USD"] for n in range(5)]
    write_workbook(tmp_path / "spend.xlsx", [HEADER, *rows])

    batches = list(FilesConnector(tmp_path).extract("spend"))

    assert [batch.num_rows for batch in batches] == [2, 2, 1]


def test_a_file_that_is_not_a_workbook_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "spend.xlsx").write_text("line_id,amount\n", encoding="utf-8")

    with pytest.raises(SourceError, match=r"spend\.xlsx: not a readable \.xlsx workbook"):
        read_all(tmp_path)


def test_a_wrong_sheet_dimension_record_does_not_cut_rows_off(tmp_path: Path) -> None:
    # GIVEN a workbook whose <dimension> claims one cell, as some exporters write it
    write_workbook(tmp_path / "made.xlsx", [HEADER, GOOD_ROW, ["L-2", *GOOD_ROW[1:]]])
    with (
        zipfile.ZipFile(tmp_path / "made.xlsx") as source,
        zipfile.ZipFile(tmp_path / "spend.xlsx", "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
            target.writestr(item, content)
    (tmp_path / "made.xlsx").unlink()

    assert read_all(tmp_path).column("line_id").to_pylist() == ["L-1", "L-2"]
