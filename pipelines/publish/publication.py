"""Publishes the audited marts where finance and BI read them, atomically.

Each publication is a new folder `publications/<id>/` holding a DuckDB file, one Parquet file per
table and a manifest. It is written under a `.partial` name, renamed when complete, and readers are
switched to it by replacing the symlink `published/audit.duckdb` in one `rename`: a reader opens
either the previous publication or the new one, never a mix, and a process killed half-way leaves
the last good publication in place. Nothing is published whose content differs from what the
quality gate audited: each table's fingerprint in the new file must equal the audited one.

Files derived from the tables (the audit report) are written into the candidate folder by an
`extras` callback before the switch, so every publication readers can get has them, and a failure
to write them publishes nothing, as a failed table copy would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from data_quality.fingerprint import table_fingerprint
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
    """Copy `tables` from `source_schema` into a new publication and switch readers to it.

    `audited` maps each table to the fingerprint the quality gate validated. Raises
    `PublicationError`, leaving the current publication untouched, when a table was not audited
    or changed since. `extras`, given the candidate folder once its `audit.duckdb` is complete
    and closed, writes more files into it; whatever it raises leaves the current publication
    untouched too, and is raised again.
    """
    missing = [table for table in tables if table not in audited]
    if missing:
        raise PublicationError(f"no passing quality results for {missing}: refusing to publish")
    published_at = datetime.now(UTC)
    # Sortable by time, and tells the run apart: the first 8 characters are what Dagster shows.
    publication_id = f"{published_at:%Y%m%dT%H%M%S.%f}Z-{run_id[:8]}"
    final = paths.publications / publication_id
    if final.exists():
        raise PublicationError(f"publication {publication_id} exists already")
    partial = final.with_name(final.name + PARTIAL)
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "parquet").mkdir(parents=True)

    identity = [publication_id, run_id, as_of, published_at.replace(tzinfo=None)]
    try:
        table_manifest = _write_candidate(con, tables, audited, partial, source_schema, identity)
        if extras is not None:
            extras(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    manifest = {
        "publication_id": publication_id,
        "run_id": run_id,
        "as_of_date": as_of.isoformat(),
        "published_at": published_at.isoformat(timespec="seconds"),
        "duckdb_version": duckdb.__version__,
        "storage_version": STORAGE_VERSION,
        "database_sha256": _sha256(partial / "audit.duckdb"),
        "tables": table_manifest,
    }
    _write_durably(partial / "manifest.json", json.dumps(manifest, indent=2))
    os.replace(partial, final)
    _switch(paths.published, final / "audit.duckdb")
    prune(paths, keep)
    return Publication(publication_id, final)


def _write_candidate(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    audited: Mapping[str, str],
    directory: Path,
    source_schema: str,
    identity: list,
) -> dict[str, dict]:
    database = directory / "audit.duckdb"
    con.execute(f"attach '{database}' as candidate (storage_version '{STORAGE_VERSION}')")
    try:
        # A one-row table in the publication itself, so a reader can tell which one it has open.
        con.execute(
            "create table candidate.main.publication as select ? as publication_id,"
            " ? as run_id, ?::date as as_of_date, ?::timestamp as published_at",
            identity,
        )
        manifest = {}
        for table in tables:
            con.execute(
                f"create table candidate.main.{table} as select * from {source_schema}.{table}"
            )
            fingerprint = table_fingerprint(con, f"candidate.main.{table}")
            if fingerprint != audited[table]:
                raise PublicationError(
                    f"{source_schema}.{table} changed after it was audited "
                    f"(audited {audited[table]}, now {fingerprint}): refusing to publish"
                )
            parquet = directory / "parquet" / f"{table}.parquet"
            con.execute(f"copy candidate.main.{table} to '{parquet}' (format parquet)")
            rows = con.execute(f"select count(*) from candidate.main.{table}").fetchone()
            manifest[table] = {
                "rows": int(rows[0]) if rows else 0,
                "fingerprint": fingerprint,
                "parquet": f"parquet/{table}.parquet",
            }
        con.execute("checkpoint candidate")
    finally:
        con.execute("detach candidate")
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
