"""application_objectives.yml: the documented shape is read, and each error names its key path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from connectors.errors import RecordError, SourceError
from connectors.files.reader import FilesConnector
from connectors.files.schemas import APPLICATION_OBJECTIVES

FILE = "application_objectives.yml"


def read_yaml(directory: Path, text: str) -> pa.Table:
    (directory / FILE).write_text(text, encoding="utf-8")
    batches = FilesConnector(directory).extract("application_objectives")
    return pa.Table.from_batches(list(batches), schema=APPLICATION_OBJECTIVES.to_entity().schema)


def test_the_documented_shape_gives_one_row_per_application_and_objective(tmp_path: Path) -> None:
    table = read_yaml(
        tmp_path,
        """\
# reviewed by the CFO office
objectives:
  OBJ-001:
    Slack: 0.4
    Zoom: 0.25
  OBJ-002:
    Slack: 1
    Yes: 0
  OBJ-003: {}
  OBJ-004:
""",
    )

    assert table.schema == APPLICATION_OBJECTIVES.to_entity().schema
    assert [tuple(row.values()) for row in table.to_pylist()] == [
        ("Slack", "OBJ-001", Decimal("0.4000")),
        ("Zoom", "OBJ-001", Decimal("0.2500")),
        ("Slack", "OBJ-002", Decimal("1.0000")),
        ("Yes", "OBJ-002", Decimal("0.0000")),  # keys stay as written, not YAML booleans
    ]


@pytest.mark.parametrize(
    ("slack", "record", "field", "reason"),
    [
        pytest.param(
            "high",
            ".Slack",
            "contribution_weight",
            "weight 'high' is not a number (line 3)",
            id="text",
        ),
        pytest.param(
            "true",
            ".Slack",
            "contribution_weight",
            "weight 'true' is not a number (line 3)",
            id="boolean",
        ),
        pytest.param("", ".Slack", "contribution_weight", "weight is empty (line 3)", id="empty"),
        pytest.param(
            "1.5",
            ".Slack",
            "contribution_weight",
            "weight 1.5 is not between 0 and 1 (line 3)",
            id="above-one",
        ),
        pytest.param(
            "-0.1",
            ".Slack",
            "contribution_weight",
            "weight -0.1 is not between 0 and 1 (line 3)",
            id="negative",
        ),
        pytest.param(
            "0.12345",
            ".Slack",
            "contribution_weight",
            "weight 0.12345 has more than 4 decimal places",
            id="too-precise",
        ),
        pytest.param(
            "[0.4]",
            ".Slack",
            "contribution_weight",
            "weight a list is not a number (line 3)",
            id="list",
        ),
        pytest.param(
            "0.4\n    Slack: 0.5",
            ".Slack",
            "application",
            "is listed twice (lines 3 and 4)",
            id="duplicate",
        ),
    ],
)
def test_a_bad_weight_or_key_is_reported_with_file_and_key_path(
    tmp_path: Path, slack: str, record: str, field: str, reason: str
) -> None:
    with pytest.raises(RecordError) as raised:
        read_yaml(tmp_path, f"objectives:\n  OBJ-001:\n    Slack: {slack}\n    Zoom: 0.2\n")

    [(where, name, why)] = raised.value.problems
    assert (where, name) == (f"{FILE}: objectives.OBJ-001{record}", field)
    assert why.startswith(reason)
    assert f"{FILE}: objectives.OBJ-001{record} field '{field}'" in str(raised.value)


def test_every_problem_in_the_file_is_reported_at_once(tmp_path: Path) -> None:
    text = """\
objectives:
  OBJ-001: [Slack, Zoom]
  OBJ-002:
    Slack: lots
  OBJ-001:
    Zoom: 0.1
"""
    with pytest.raises(RecordError) as raised:
        read_yaml(tmp_path, text)

    assert raised.value.problems == [
        (f"{FILE}: objectives.OBJ-001", "application", "expected a mapping, found a list (line 2)"),
        (
            f"{FILE}: objectives.OBJ-002.Slack",
            "contribution_weight",
            "weight 'lots' is not a number (line 4)",
        ),
        (f"{FILE}: objectives.OBJ-001", "objective_id", "is listed twice (lines 2 and 5)"),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("", "found an empty file", id="empty-file"),
        pytest.param("- Slack\n", "found a list", id="list"),
        pytest.param(
            "objective:\n  OBJ-001: {Slack: 0.4}\n", "found the keys ['objective']", id="typo"
        ),
        pytest.param(
            "objectives: {}\nnotes: x\n", "found the keys ['objectives', 'notes']", id="extra-key"
        ),
    ],
)
def test_a_file_of_another_shape_is_refused_with_the_expected_shape(
    tmp_path: Path, text: str, found: str
) -> None:
    with pytest.raises(
        SourceError, match="expected the single top-level key 'objectives'"
    ) as raised:
        read_yaml(tmp_path, text)

    assert str(raised.value).endswith(found)


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        read_yaml(tmp_path, "objectives:\n  OBJ-001:\n    Slack: [0.4\n")

    assert str(raised.value) == (
        f"[files] {FILE} line 4: not valid YAML: expected ',' or ']', but got '<stream end>'"
        " (while parsing a flow sequence from line 3)"
    )
