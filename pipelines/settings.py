"""Where the audit keeps its data, derived from one environment variable.

`AUDIT_DATA_DIR` (default: `data/` in the project) holds the working warehouse, the landing zone,
the publications and Dagster's run history. Read when called, never at import time.

The file-drop folders (inbox, archive, rejected) live there too unless `AUDIT_INBOX_DIR`,
`AUDIT_ARCHIVE_DIR` or `AUDIT_REJECTED_DIR` put them elsewhere, e.g. on a share the business
writes to.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    inbox_dir: Path | None = None
    archive_dir: Path | None = None
    rejected_dir: Path | None = None

    @property
    def warehouse(self) -> Path:
        """The working warehouse (raw, staging, intermediate, marts); only the refresh opens it."""
        return self.data_dir / "warehouse" / "audit.duckdb"

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def quarantine(self) -> Path:
        """Deliveries a blocking raw check refused, whole: `<source>/<entity>/<run_id>.parquet`."""
        return self.data_dir / "quarantine"

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

    @property
    def inbox(self) -> Path:
        """Where the business drops new spend, contract, survey and objectives files."""
        return self.inbox_dir or self.data_dir / "inbox"

    @property
    def archive(self) -> Path:
        """Every dropped file that was loaded, kept as it arrived."""
        return self.archive_dir or self.data_dir / "archive"

    @property
    def rejected(self) -> Path:
        """Dropped files that failed validation, each with a `<name>.reason.txt` beside it."""
        return self.rejected_dir or self.data_dir / "rejected"


def data_dir_from_env() -> Path:
    return Path(os.environ.get("AUDIT_DATA_DIR") or PROJECT_DIR / "data").resolve()


def paths_from_env() -> Paths:
    def folder(name: str) -> Path | None:
        value = os.environ.get(name)
        return Path(value).resolve() if value else None

    return Paths(
        data_dir_from_env(),
        inbox_dir=folder("AUDIT_INBOX_DIR"),
        archive_dir=folder("AUDIT_ARCHIVE_DIR"),
        rejected_dir=folder("AUDIT_REJECTED_DIR"),
    )


def as_of_from_env() -> date:
    """The audit date: `AUDIT_AS_OF_DATE` (YYYY-MM-DD) to reproduce an audit, else today in UTC."""
    value = os.environ.get("AUDIT_AS_OF_DATE")
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"AUDIT_AS_OF_DATE={value!r} is not a date (YYYY-MM-DD)") from error
    return datetime.now(UTC).date()


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """An on/off environment variable: true/false, 1/0, yes/no or on/off; unset is off.

    Anything else is refused, so a typo never silently leaves a switch in its default.
    """
    value = (os.environ if environ is None else environ).get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={value!r}: expected true or false")


#: How much memory each DuckDB database a refresh opens may hold before it spills to disk: the
#: warehouse (ingest, dbt), great-expectations' in-memory one. DuckDB's own default, 80% of RAM
#: each, let a refresh of 28 million sign-ins reach 15.5 GB over its processes; two databases work
#: at once at most (the warehouse beside great-expectations' worker).
DUCKDB_MEMORY_LIMIT_ENV = "AUDIT_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GiB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def duckdb_memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """`AUDIT_DUCKDB_MEMORY_LIMIT` as DuckDB reads it (e.g. `2GiB`, `1500MB`), else the default."""
    value = (os.environ if environ is None else environ).get(DUCKDB_MEMORY_LIMIT_ENV, "").strip()
    if not value:
        return DEFAULT_DUCKDB_MEMORY_LIMIT
    if not _MEMORY.fullmatch(value):
        raise ValueError(
            f"{DUCKDB_MEMORY_LIMIT_ENV}={value!r} is not an amount of memory DuckDB reads: "
            "a number and one of KB, MB, GB, TB, KiB, MiB, GiB, TiB (e.g. 2GiB)"
        )
    return value


def hold_duckdb_to_memory_limit() -> dict[str, str]:
    """The DuckDB settings of the warehouse connection, also set in this process's environment so
    that the processes a refresh starts (dbt through its profile, great-expectations' worker) hold
    to the same limit."""
    limit = duckdb_memory_limit()
    os.environ[DUCKDB_MEMORY_LIMIT_ENV] = limit
    return {"memory_limit": limit}
