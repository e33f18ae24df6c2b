"""What the gate reports: plain, JSON-ready results, stored in the warehouse and shown in Dagster.

Values taken from the data (samples, observed values) are converted to JSON types when a result is
built, so a result can be serialised anywhere without knowing about numpy, pandas or Decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Unexpected values (and rows) kept per check: enough to find the culprits, bounded for logs.
SAMPLE_SIZE = 20
_SHOWN_IN_SUMMARY = 5


def jsonable(value: Any) -> Any:
    """`value` as JSON types; missing values (None, NaN, NA, NaT) become None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if pd.isna(value):
        return None
    if isinstance(value, float):
        return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check. `error` is set when the check could not be evaluated at all."""

    name: str
    expectation_type: str
    blocking: bool
    success: bool
    why: str
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_sample: list[Any] = field(default_factory=list)
    unexpected_rows: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def describe(self, table: str) -> str:
        """One line: the table, the check, its expectation, how much failed and a few examples."""
        severity = "BLOCKING" if self.blocking else "WARNING"
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.details.get("kwargs", {}).items())
        line = f"{table} [{severity}] {self.name}: {self.expectation_type}({arguments}) failed"
        if self.error:
            return f"{line}: error: {self.error}"
        if self.unexpected_count is not None:
            line += f": {self.unexpected_count} of {self.element_count} rows unexpected"
        elif "observed_value" in self.details:
            line += f": observed {self.details['observed_value']!r}"
        examples = self.unexpected_rows or self.unexpected_sample
        if examples:
            line += ", e.g. " + "; ".join(repr(e) for e in examples[:_SHOWN_IN_SUMMARY])
        return line


@dataclass(frozen=True)
class SuiteResult:
    """The gate's verdict on one table: `success` is True when every blocking check passed."""

    table: str
    success: bool
    checks: list[CheckResult]
    fingerprint: str
    row_count: int
    duration_s: float

    @property
    def failures(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.success]

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [check for check in self.failures if check.blocking]

    def summary(self) -> str:
        """One line per failed check (blocking first), or one line saying that all passed."""
        if not self.failures:
            return f"{self.table}: all {len(self.checks)} checks passed on {self.row_count} rows"
        ordered = sorted(self.failures, key=lambda check: not check.blocking)
        return "\n".join(check.describe(self.table) for check in ordered)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
