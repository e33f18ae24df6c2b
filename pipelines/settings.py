"""Where the audit keeps its data, derived from one environment variable.

`AUDIT_DATA_DIR` (default: `data/` in the project) holds the working warehouse, the landing zone,
the publications and Dagster's run history. Read when called, never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def warehouse(self) -> Path:
        """The working warehouse (raw, staging, intermediate, marts); only the refresh opens it."""
        return self.data_dir / "warehouse" / "audit.duckdb"

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def publications(self) -> Path:
        return self.data_dir / "publications"

    @property
    def published(self) -> Path:
        """The stable path finance and BI open; it always points at the last good publication."""
        return self.data_dir / "published" / "audit.duckdb"

    @property
    def validation_reports(self) -> Path:
        """One HTML validation report per run of the quality gate, and `latest.html`."""
        return self.data_dir / "reports" / "validation"

    @property
    def audit_reports(self) -> Path:
        """`latest.html`: the audit report of the publication readers get now."""
        return self.data_dir / "reports" / "audit"

    @property
    def sample(self) -> Path:
        return self.data_dir / "sample"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster_home"


def data_dir_from_env() -> Path:
    return Path(os.environ.get("AUDIT_DATA_DIR") or PROJECT_DIR / "data").resolve()


def paths_from_env() -> Paths:
    return Paths(data_dir_from_env())


def as_of_from_env() -> date:
    """The audit date: `AUDIT_AS_OF_DATE` (YYYY-MM-DD) to reproduce an audit, else today in UTC."""
    value = os.environ.get("AUDIT_AS_OF_DATE")
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"AUDIT_AS_OF_DATE={value!r} is not a date (YYYY-MM-DD)") from error
    return datetime.now(UTC).date()
