"""Publishes the audited marts where finance and BI read them, atomically.

Each publication is a new folder `publications/<id>/` holding a DuckDB file, one Parquet file per
table and a manifest. It is written under a `.partial` name, flushed to disk and renamed when
complete, and readers are switched to it by replacing the symlink `published/audit.duckdb` in one
`rename`: a reader opens either the previous publication or the new one, never a mix, and a
process killed half-way leaves the last good publication in place. Nothing is published whose
content differs from what the quality gate audited: each table's fingerprint in the new file must
equal the audited one, and the file the checksum the gate recorded.

Files derived from the tables (the audit report) are written into the candidate folder by an
`extras` callback before the switch, so every publication readers can get has them, and a failure
to write them publishes nothing, as a failed table copy would.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from data_quality.fingerprint import table_fingerprint
from pipelines.checksum import file_sha256
from pipelines.ingest.fingerprints import current_hash
from pipelines.settings import Paths

#: Files are written in DuckDB's v1.0.0 storage format, readable by every DuckDB since 1.0,
#: including the builds bundled with BI drivers, whatever newer DuckDB writes them.
STORAGE_VERSION = "v1.0.0"
PARTIAL = ".partial"


class PublicationError(Exception):
    """The candidate cannot be published; the previous publication stays in place."""


@dataclass(frozen=True)
class Publication:
    publication_id: str
    directory: Path

    @property
    def database(self) -> Path:
        return self.directory / "audit.duckdb"

    @property
    def manifest(self) -> dict:
        return json.loads((self.directory / "manifest.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Candidate:
    """A publication written but not yet switched to: what the quality gate audits.

    It lives in `publications/<id>.partial/`, invisible to readers and to `history`, until
    `publish_candidate` renames it; a candidate that fails its audit stays there for inspection
    until the next successful publication prunes it.
    """

    publication_id: str
    directory: Path
    run_id: str
    as_of: date
    created_at: datetime
    fingerprints: dict[str, str]
    rows: dict[str, int]
    #: What the candidate was built from: each raw table's fingerprint and row count.
    inputs: dict[str, dict] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.directory / "audit.duckdb"

    @property
    def audit(self) -> dict | None:
        """What the quality gate recorded about this candidate, or None before it ran."""
        path = self.directory / AUDIT_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


CANDIDATE_FILE = "candidate.json"
AUDIT_FILE = "audit.json"


def write_candidate(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    paths: Paths,
    *,
    run_id: str,
    as_of: date,
    source_schema: str = "marts",
    input_schema: str | None = None,
) -> Candidate:
    """Copy `tables` from `source_schema` into a new candidate publication and return it.

    With `input_schema` (the raw tables), the candidate records each input table's fingerprint
    and row count, so a publication says exactly which data it was computed from.
    """
    created_at = datetime.now(UTC)
    # Sortable by time, and tells the run apart: the first 8 characters are what Dagster shows.
    publication_id = f"{created_at:%Y%m%dT%H%M%S.%f}Z-{run_id[:8]}"
    if (paths.publications / publication_id).exists():
        raise PublicationError(f"publication {publication_id} exists already")
    directory = paths.publications / f"{publication_id}{PARTIAL}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    identity = [publication_id, run_id, as_of, created_at.replace(tzinfo=None)]
    try:
        fingerprints, rows = _write_database(con, tables, directory, source_schema, identity)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    inputs = input_fingerprints(con, input_schema) if input_schema else {}
    candidate = Candidate(
        publication_id, directory, run_id, as_of, created_at, fingerprints, rows, inputs
    )
    description = {
        "publication_id": publication_id,
        "run_id": run_id,
        "as_of_date": as_of.isoformat(),
        "created_at": created_at.isoformat(),
        "fingerprints": fingerprints,
        "rows": rows,
        "inputs": inputs,
    }
    (directory / CANDIDATE_FILE).write_text(json.dumps(description, indent=2), encoding="utf-8")
    return candidate


def find_candidate(paths: Paths, run_ids: Sequence[str]) -> Candidate | None:
    """The newest candidate written by one of `run_ids` (a run, or the run it re-executes)."""
    if not paths.publications.exists():
        return None
    wanted = {run_id for run_id in run_ids if run_id}
    for directory in sorted(paths.publications.glob(f"*{PARTIAL}"), reverse=True):
        described = directory / CANDIDATE_FILE
        if not described.exists():
            continue
        data = json.loads(described.read_text(encoding="utf-8"))
        if data["run_id"] in wanted:
            return Candidate(
                data["publication_id"],
                directory,
                data["run_id"],
                date.fromisoformat(data["as_of_date"]),
                datetime.fromisoformat(data["created_at"]),
                data["fingerprints"],
                data["rows"],
                data.get("inputs", {}),
            )
    return None


def record_audit(candidate: Candidate, audit: Mapping) -> None:
    """Keep the quality gate's verdict with the candidate, with the checksum of what it read."""
    document = {**audit, "database_sha256": file_sha256(candidate.database)}
    (candidate.directory / AUDIT_FILE).write_text(
        json.dumps(document, indent=2, default=str), encoding="utf-8"
    )


def publish_candidate(
    candidate: Candidate,
    audited: Mapping[str, str],
    paths: Paths,
    *,
    keep: int,
    audited_sha256: str | None = None,
    checks: Mapping | None = None,
    extras: Callable[[Path], None] | None = None,
) -> Publication:
    """Switch readers to `candidate`, if every table is exactly what the quality gate passed.

    `audited` maps each table to the fingerprint the gate validated and passed; `audited_sha256`
    is the checksum of the candidate file the gate read. Raises `PublicationError`, leaving the
    current publication untouched, when a table was not audited or the candidate changed since.
    `extras`, given the candidate folder once its tables are checked, writes derived files there.
    """
    missing = [table for table in candidate.fingerprints if table not in audited]
    if missing:
        raise PublicationError(f"no passing quality results for {missing}: refusing to publish")
    checksum = file_sha256(candidate.database)
    if audited_sha256 is not None and checksum != audited_sha256:
        raise PublicationError(
            f"candidate {candidate.publication_id} changed after it was audited "
            f"(audited sha256 {audited_sha256}, now {checksum}): refusing to publish"
        )
    tables = _export(candidate, audited)
    if extras is not None:
        extras(candidate.directory)
    manifest = {
        "publication_id": candidate.publication_id,
        "run_id": candidate.run_id,
        "as_of_date": candidate.as_of.isoformat(),
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duckdb_version": duckdb.__version__,
        "storage_version": STORAGE_VERSION,
        "database_sha256": checksum,
        "tables": tables,
        "inputs": candidate.inputs,
        "checks": dict(checks or {}),
    }
    (candidate.directory / "manifest.json").write_text(
        json.dumps(manifest, indent=2), encoding="utf-8"
    )
    _fsync_tree(candidate.directory)
    final = paths.publications / candidate.publication_id
    os.replace(candidate.directory, final)
    # The rename must be on disk before the switch is: after a power cut the link could otherwise
    # point into a folder still named `.partial`, which the next publish removes.
    _fsync_directory(paths.publications)
    _switch(paths.published, final / "audit.duckdb")
    prune(paths, keep)
    return Publication(candidate.publication_id, final)


def publish(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    audited: Mapping[str, str],
    paths: Paths,
    *,
    run_id: str,
    as_of: date,
    keep: int,
    source_schema: str = "marts",
    extras: Callable[[Path], None] | None = None,
) -> Publication:
    """Write a candidate of `tables` and publish it at once, if it is what `audited` says.

    For callers that audited the working tables themselves; the pipeline audits the candidate.
    """
    missing = [table for table in tables if table not in audited]
    if missing:
        raise PublicationError(f"no passing quality results for {missing}: refusing to publish")
    candidate = write_candidate(
        con, tables, paths, run_id=run_id, as_of=as_of, source_schema=source_schema
    )
    try:
        return publish_candidate(candidate, audited, paths, keep=keep, extras=extras)
    except BaseException:
        shutil.rmtree(candidate.directory, ignore_errors=True)
        raise


def input_fingerprints(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, dict]:
    """Each table of `schema`: its content fingerprint and row count."""
    names = con.execute(
        "select table_name from information_schema.tables where table_schema = ?"
        " order by table_name",
        [schema],
    ).fetchall()
    inputs = {}
    for (name,) in names:
        # kept up to date by the loads (`fingerprints`): the history is not hashed again
        state = current_hash(con, f"{schema}.{name}")
        inputs[f"{schema}.{name}"] = {"fingerprint": state.fingerprint(), "rows": state.row_count}
    return inputs


def _write_database(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    directory: Path,
    source_schema: str,
    identity: list,
) -> tuple[dict[str, str], dict[str, int]]:
    database = directory / "audit.duckdb"
    con.execute(f"attach '{database}' as candidate (storage_version '{STORAGE_VERSION}')")
    try:
        # A one-row table in the publication itself, so a reader can tell which one it has open.
        con.execute(
            "create table candidate.main.publication as select ? as publication_id,"
            " ? as run_id, ?::date as as_of_date, ?::timestamp as published_at",
            identity,
        )
        fingerprints, rows = {}, {}
        for table in tables:
            con.execute(
                f"create table candidate.main.{table} as select * from {source_schema}.{table}"
            )
            fingerprints[table] = table_fingerprint(con, f"candidate.main.{table}")
            counted = con.execute(f"select count(*) from candidate.main.{table}").fetchone()
            rows[table] = int(counted[0]) if counted else 0
        con.execute("checkpoint candidate")
    finally:
        con.execute("detach candidate")
    return fingerprints, rows


def _export(candidate: Candidate, audited: Mapping[str, str]) -> dict[str, dict]:
    """Check each table against its audit and write its Parquet file; the manifest's entries."""
    (candidate.directory / "parquet").mkdir(exist_ok=True)
    manifest = {}
    with duckdb.connect(str(candidate.database), read_only=True) as con:
        for table in candidate.fingerprints:
            fingerprint = table_fingerprint(con, f"main.{table}")
            if fingerprint != audited[table]:
                raise PublicationError(
                    f"{table} changed after it was audited "
                    f"(audited {audited[table]}, now {fingerprint}): refusing to publish"
                )
            parquet = candidate.directory / "parquet" / f"{table}.parquet"
            con.execute(f"copy main.{table} to '{parquet}' (format parquet)")
            manifest[table] = {
                "rows": candidate.rows[table],
                "fingerprint": fingerprint,
                "parquet": f"parquet/{table}.parquet",
            }
    return manifest


def _switch(link: Path, target: Path) -> None:
    """Point `link` at `target` atomically: a new symlink renamed over the old one."""
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(target, link.parent))
    os.replace(temporary, link)
    _fsync_directory(link.parent)


def current(paths: Paths) -> Publication | None:
    """The publication readers get now, or None before the first one."""
    if not paths.published.is_symlink():
        return None
    directory = paths.published.resolve().parent
    return Publication(directory.name, directory)


def history(paths: Paths) -> list[Publication]:
    """Complete publications, oldest first."""
    if not paths.publications.exists():
        return []
    return [
        Publication(d.name, d)
        for d in sorted(paths.publications.iterdir())
        if d.is_dir() and not d.name.endswith(PARTIAL) and (d / "manifest.json").exists()
    ]


def rollback(paths: Paths, to: str | None = None) -> Publication:
    """Switch readers back to publication `to`, or to the one before the current one."""
    publications = history(paths)
    now = current(paths)
    if to is None:
        earlier = [p for p in publications if now is None or p.publication_id < now.publication_id]
        if not earlier:
            raise PublicationError("there is no earlier publication to roll back to")
        target = earlier[-1]
    else:
        matches = [p for p in publications if p.publication_id == to]
        if not matches:
            known = [p.publication_id for p in publications]
            raise PublicationError(f"no publication {to!r}; known: {known}")
        target = matches[0]
    _switch(paths.published, target.database)
    return target


def prune(paths: Paths, keep: int) -> None:
    """Keep the newest `keep` publications (and always the current one); remove partial ones."""
    now = current(paths)
    for directory in paths.publications.glob(f"*{PARTIAL}"):
        shutil.rmtree(directory, ignore_errors=True)
    for publication in history(paths)[: -max(keep, 1)]:
        if now is None or publication.publication_id != now.publication_id:
            shutil.rmtree(publication.directory, ignore_errors=True)


def _fsync_tree(directory: Path) -> None:
    """Flush every file of a candidate, then the folders naming them, before it is renamed complete.

    DuckDB flushes its database file at a checkpoint but not the Parquet files it copies out.
    """
    for folder, _, files in os.walk(directory, topdown=False):
        for name in files:
            fd = os.open(Path(folder) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_directory(Path(folder))


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
