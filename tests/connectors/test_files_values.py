"""Value conversion shared by the Excel and YAML readers: exact decimals, strict text formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from connectors.files.values import BadValueError, converter


@pytest.mark.parametrize(
    ("sql_type", "value", "expected"),
    [
        pytest.param("DECIMAL(18,2)", 8.75, Decimal("8.75"), id="float-decimal-exact"),
        pytest.param("DECIMAL(18,4)", " 1.5e1 ", Decimal("15.0000"), id="text-decimal"),
        pytest.param("DECIMAL(18,2)", "1.2000", Decimal("1.20"), id="trailing-zeros"),
        pytest.param("INTEGER", 100.0, 100, id="whole-float-integer"),
        pytest.param("INTEGER", " -7 ", -7, id="text-integer"),
        pytest.param("BOOLEAN", "Yes", True, id="text-boolean"),
        pytest.param("BOOLEAN", 0, False, id="number-boolean"),
        pytest.param("DATE", datetime(2026, 1, 2), date(2026, 1, 2), id="native-date"),
        pytest.param(
            "TIMESTAMP",
            "2026-01-02T10:30:00+02:00",
            datetime(2026, 1, 2, 8, 30),
            id="offset-to-utc",
        ),
        pytest.param("TIMESTAMP", "2026-01-02 10:30", datetime(2026, 1, 2, 10, 30), id="text-ts"),
        pytest.param("VARCHAR", datetime(2026, 1, 2), "2026-01-02", id="date-as-text"),
        pytest.param("VARCHAR", 4100, "4100", id="number-as-text"),
    ],
)
def test_a_value_converts_to_its_declared_type(
    sql_type: str, value: object, expected: object
) -> None:
    assert converter(sql_type)(value) == expected


@pytest.mark.parametrize(
    ("sql_type", "value", "reason"),
    [
        pytest.param(
            "DECIMAL(18,2)", 0.1 + 0.2, "has more than 2 decimal places", id="float-noise"
        ),
        pytest.param("DECIMAL(5,4)", 12, "out of range for DECIMAL(5,4)", id="decimal-range"),
        pytest.param("DECIMAL(18,2)", "1_000", "could not convert", id="underscores"),
        pytest.param("DECIMAL(18,2)", True, "is not a number", id="boolean-decimal"),
        pytest.param("INTEGER", 1.5, "could not convert 1.5 to INTEGER", id="fraction"),
        pytest.param("INTEGER", 2**31, "out of range for INTEGER", id="integer-range"),
        pytest.param("DATE", "20260102", "expected YYYY-MM-DD", id="compact-date"),
        pytest.param("DATE", datetime(2026, 1, 2, 9), "has a time of day", id="date-with-time"),
        pytest.param("BOOLEAN", "maybe", "could not convert 'maybe' to BOOLEAN", id="boolean"),
    ],
)
def test_a_value_that_does_not_fit_says_why(sql_type: str, value: object, reason: str) -> None:
    with pytest.raises(BadValueError, match=re.escape(reason)):
        converter(sql_type)(value)
