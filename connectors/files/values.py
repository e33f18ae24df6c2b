"""Turns one spreadsheet or YAML value into its declared column type, or says why it cannot.

Excel cells arrive typed by Excel (numbers, datetimes, booleans) or as text typed by hand; both must
give the value the CSV path gives, so a file reads the same whatever program saved it. Decimals stay
exact: a value with more decimals than its column keeps is refused, never rounded silently.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Context, Decimal, Inexact, InvalidOperation

import pyarrow as pa

from connectors.files.schemas import arrow_type

Converter = Callable[[object], object]

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:\d{2})?"
)
# The spellings DuckDB's CSV parser accepts for BOOLEAN.
_BOOLEANS = {"true": True, "t": True, "yes": True, "y": True, "1": True}
_BOOLEANS |= {"false": False, "f": False, "no": False, "n": False, "0": False}
_INTEGER_LIMITS = {"INTEGER": 2**31, "BIGINT": 2**63}


class BadValueError(ValueError):
    """Why a value does not fit its column, worded for the person who owns the file."""


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def converter(sql_type: str) -> Converter:
    """Turns a non-empty value into `sql_type`'s Python value or raises `BadValueError`."""
    declared = arrow_type(sql_type)
    if pa.types.is_decimal(declared):
        return lambda value: _to_decimal(value, sql_type, declared.precision, declared.scale)
    if sql_type in _INTEGER_LIMITS:
        return lambda value: _to_integer(value, sql_type)
    return _CONVERTERS[sql_type]


def _to_decimal(value: object, sql_type: str, precision: int, scale: int) -> Decimal:
    if isinstance(value, bool):
        raise BadValueError(f"{_shown(value)} is not a number ({sql_type})")
    if isinstance(value, int | float):
        # str() of a float is its shortest round-trip spelling: 8.75 gives 8.75, not 8.7499999...
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        raise BadValueError(f"could not convert {_shown(value)} to {sql_type}")
    if not number.is_finite() or abs(number) >= 10 ** (precision - scale):
        raise BadValueError(f"{_shown(value)} is out of range for {sql_type}")
    exact = Context(prec=precision, traps=[Inexact, InvalidOperation])
    try:
        return number.quantize(Decimal(1).scaleb(-scale), context=exact)
    except Inexact:
        raise BadValueError(
            f"{_shown(value)} has more than {scale} decimal places ({sql_type});"
            " round it in the file"
        ) from None


def _to_integer(value: object, sql_type: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadValueError(f"could not convert {_shown(value)} to {sql_type}")
    limit = _INTEGER_LIMITS[sql_type]
    if not -limit <= value < limit:
        raise BadValueError(f"{value} is out of range for {sql_type}")
    return value


def _to_double(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value.strip())
    raise BadValueError(f"could not convert {_shown(value)} to DOUBLE")


def _to_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise BadValueError(f"{_shown(value)} has a time of day; expected a DATE")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise BadValueError(
            f"{value} is a number, not a DATE: format the cell as a date or type YYYY-MM-DD"
        )
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BadValueError(f"could not convert {_shown(value)} to DATE (expected YYYY-MM-DD)")


def _to_timestamp(value: object) -> datetime:
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value.strip()):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        # Raw timestamps are naive UTC; an explicit offset is honoured rather than dropped.
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0))
    raise BadValueError(
        f"could not convert {_shown(value)} to TIMESTAMP (expected YYYY-MM-DD HH:MM:SS)"
    )


def _to_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise BadValueError(f"could not convert {_shown(value)} to BOOLEAN")


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    return str(value)


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_CONVERTERS: dict[str, Converter] = {
    "VARCHAR": _to_text,
    "DOUBLE": _to_double,
    "DATE": _to_date,
    "TIMESTAMP": _to_timestamp,
    "BOOLEAN": _to_boolean,
}
