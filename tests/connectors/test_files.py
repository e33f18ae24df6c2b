"""The business files connector: declared schemas, and errors that name file, line and column."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from connectors.errors import RecordError, SourceError
from connectors.files.reader import FilesConnector, read_file
from connectors.files.schemas import APPLICATION_OBJECTIVES, CONTRACTS

CONTRACT_HEADER = ",".join(c.name for c in CONTRACTS.columns)
GOOD_CONTRACT = (
    "C-1,Slack Technologies,Slack,collaboration,BUS,100,8.75,USD,monthly,"
    "2026-01-01,2026-12-31,true,30,it@acme.test"
)


def write(directory: Path, name: str, *lines: str) -> None:
    (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_all(directory: Path, entity: str) -> pa.Table:
    return pa.Table.from_batches(list(FilesConnector(directory).extract(entity)))


def test_a_good_file_is_read_in_the_declared_schema(tmp_path: Path) -> None:
    write(tmp_path, "contracts.csv", CONTRACT_HEADER, GOOD_CONTRACT)

    table = read_all(tmp_path, "contracts")

    assert table.schema == CONTRACTS.to_entity().schema
    row = table.to_pylist()[0]
    assert row["seats"] == 100
    assert str(row["unit_price"]) == "8.7500"
    assert row["auto_renew"] is True
    assert row["start_date"].isoformat() == "2026-01-01"


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(tmp_path: Path) -> None:
    write(
        tmp_path,
        "application_objectives.csv",
        "contribution_weight,objective_id,application",
        "0.25,OBJ-1,Slack",
    )

    table = read_all(tmp_path, "application_objectives")

    assert table.column_names == [c.name for c in APPLICATION_OBJECTIVES.columns]
    row = table.to_pylist()[0]
    assert (row["application"], row["objective_id"]) == ("Slack", "OBJ-1")
    assert float(row["contribution_weight"]) == 0.25


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        pytest.param(GOOD_CONTRACT.replace(",100,", ",many,"), "seats", "INTEGER", id="bad-number"),
        pytest.param(
            GOOD_CONTRACT.replace("2026-12-31", "2026-13-45"), "end_date", "DATE", id="bad-date"
        ),
        pytest.param(GOOD_CONTRACT.replace(",USD,", ",,"), "currency", "is empty", id="empty"),
    ],
)
def test_a_bad_value_is_reported_with_file_line_and_column(
    tmp_path: Path, line: str, field: str, reason: str
) -> None:
    # GIVEN a good first record and a bad one on line 3
    write(tmp_path, "contracts.csv", CONTRACT_HEADER, GOOD_CONTRACT, line)

    # WHEN the file is read THEN the error names source, file, line and column
    with pytest.raises(RecordError) as raised:
        read_all(tmp_path, "contracts")

    message = str(raised.value)
    assert "[files] contracts" in message
    assert f"contracts.csv line 3 field '{field}'" in message
    assert reason in message


def test_line_numbers_stay_right_after_a_rejected_line(tmp_path: Path) -> None:
    # Regression: rows DuckDB rejects are not counted among parsed rows, which shifted the line
    # numbers of later empty-field errors.
    write(
        tmp_path,
        "contracts.csv",
        CONTRACT_HEADER,
        GOOD_CONTRACT.replace(",100,", ",x,"),
        GOOD_CONTRACT,
        GOOD_CONTRACT.replace(",Slack,", ",,"),
    )

    with pytest.raises(RecordError) as raised:
        read_all(tmp_path, "contracts")

    assert [(record, field) for record, field, _ in raised.value.problems] == [
        ("contracts.csv line 2", "seats"),
        ("contracts.csv line 4", "product"),
    ]


def test_a_wrong_header_names_the_missing_and_unknown_columns(tmp_path: Path) -> None:
    write(tmp_path, "application_objectives.csv", "app,objective_id,contribution_weight", "x,y,1")

    with pytest.raises(SourceError, match=r"missing required column\(s\) \['application'\]") as e:
        read_all(tmp_path, "application_objectives")

    assert "unknown column(s) ['app']" in str(e.value)


def test_a_missing_file_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"spend: file not found: .*spend\.csv"):
        read_all(tmp_path, "spend")


@pytest.mark.parametrize(
    ("entity", "names"),
    [
        pytest.param("contracts", ("contracts.csv", "contracts.xlsx"), id="csv-and-xlsx"),
        pytest.param(
            "application_objectives",
            ("application_objectives.csv", "application_objectives.yml"),
            id="csv-and-yml",
        ),
    ],
)
def test_an_entity_present_in_two_formats_is_refused_naming_both_files(
    tmp_path: Path, entity: str, names: tuple[str, str]
) -> None:
    # GIVEN two files for one entity: which one is current is for the business to say
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")

    with pytest.raises(SourceError) as raised:
        read_all(tmp_path, entity)

    assert f"{entity}: both {names[0]} and {names[1]} are in" in str(raised.value)


def test_a_missing_file_names_the_other_accepted_formats(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        read_all(tmp_path, "application_objectives")

    assert "(nor application_objectives.xlsx, application_objectives.yml)" in str(raised.value)


def test_a_csv_that_is_not_utf8_is_refused_saying_so(tmp_path: Path) -> None:
    # Regression guard: a Latin-1 export used to escape as a bare UnicodeDecodeError, which the
    # pipeline took for a transient failure and retried for minutes.
    (tmp_path / "contracts.csv").write_bytes(
        f"{CONTRACT_HEADER}\n{GOOD_CONTRACT.replace('Slack', 'Société')}\n".encode("latin-1")
    )

    with pytest.raises(SourceError, match=r"contracts.csv: not UTF-8 text .*CSV UTF-8"):
        read_all(tmp_path, "contracts")


@pytest.mark.parametrize(
    "content", ["", f"{CONTRACT_HEADER}\nC-1,Slack,Slack,,,many,8.75,USD,monthly,,,,,\n"]
)
def test_every_file_problem_is_permanent(tmp_path: Path, content: str) -> None:
    # A missing file and a bad record alike: a local file reads the same on every attempt.
    if content:
        write(tmp_path, "contracts.csv", content)

    with pytest.raises(SourceError) as raised:
        read_all(tmp_path, "contracts")

    assert raised.value.permanent


def test_a_file_of_any_name_is_read_by_its_extension_with_errors_naming_it(
    tmp_path: Path,
) -> None:
    write(tmp_path, "contracts 2026-Q4.csv", CONTRACT_HEADER, GOOD_CONTRACT)
    write(tmp_path, "contracts-bad.csv", CONTRACT_HEADER, GOOD_CONTRACT.replace("100", "many"))

    table = pa.Table.from_batches(list(read_file("contracts", tmp_path / "contracts 2026-Q4.csv")))

    assert table.num_rows == 1
    with pytest.raises(RecordError, match=r"contracts-bad\.csv line 2"):
        list(read_file("contracts", tmp_path / "contracts-bad.csv"))
    with pytest.raises(SourceError, match=r"must be one of \.csv, \.xlsx"):
        list(read_file("contracts", tmp_path / "contracts.pdf"))
