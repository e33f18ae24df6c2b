"""The file-drop inbox: recognise each dropped business file, check it, then load or refuse it.

A file is recognised by its name: the entity it holds, then optionally a separator and anything
(a date, a version), then an extension the entity comes in, case ignored:

    spend.csv  spend_2026-11.xlsx  contracts-q4.csv  survey_responses 2026.csv
    objectives.xlsx  application_objectives.yml  application_aliases.csv

A valid file takes the place of its entity's current file in the folder the `files` source reads,
under the name the source expects (`spend_2026-11.xlsx` becomes `spend.xlsx`, and a `spend.csv`
there is removed, since the source refuses two files for one entity); the file it replaces is kept
under `archive/replaced/`, and the dropped file itself is moved to `archive/` as it arrived. An
invalid or unrecognised file is moved to `rejected/` with `<name>.reason.txt` beside it.

Files still being written are left alone: hidden files, names ending in `.tmp`, `.part`,
`.partial`, `.crdownload` or `.download`, and files modified in the last few seconds. This module
does the file work only; `pipelines.automation.file_drop` turns it into Dagster runs.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from connectors.errors import SourceError
from connectors.files.reader import accepted_suffixes, read_file
from connectors.files.schemas import FILE_SPECS
from pipelines.checksum import file_sha256

#: Longest first, so that a name is matched by the entity it spells out in full.
ENTITIES = tuple(sorted((spec.entity for spec in FILE_SPECS), key=len, reverse=True))
FILE_NAME = re.compile(
    rf"^(?P<entity>{'|'.join(ENTITIES)})(?:[-_. ].*)?(?P<suffix>\.[a-z0-9]+)$", re.IGNORECASE
)
IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download")


@dataclass(frozen=True)
class Folders:
    """Where files are dropped, kept once loaded, and refused; and where the files source reads."""

    inbox: Path
    archive: Path
    rejected: Path
    source: Path


@dataclass(frozen=True)
class DroppedFile:
    name: str
    entity: str
    sha256: str

    @property
    def fingerprint(self) -> str:
        """Name and content: the same file dropped again has the same fingerprint."""
        return f"{self.name}@{self.sha256[:16]}"


@dataclass
class InboxOutcome:
    loaded: list[DroppedFile] = field(default_factory=list)
    duplicates: list[DroppedFile] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> reason
    unreadable: dict[str, str] = field(default_factory=dict)  # left in the inbox for next time


def entity_of(name: str) -> str | None:
    """The entity a file name announces, or None (see the module's docstring)."""
    match = FILE_NAME.match(name)
    return match["entity"].lower() if match else None


def pending_files(inbox: Path, now: datetime, settle_seconds: float) -> list[Path]:
    """Files ready to handle, oldest first; those still being written are left for later."""
    if not inbox.is_dir():
        return []
    ready = []
    for path in inbox.iterdir():
        name = path.name
        if name.startswith((".", "~$")) or name.lower().endswith(IN_PROGRESS_SUFFIXES):
            continue
        try:
            if not path.is_file():
                continue
            modified = path.stat().st_mtime
        except FileNotFoundError:  # moved away by whoever dropped it
            continue
        if now.timestamp() - modified >= settle_seconds:
            ready.append((modified, name, path))
    return [path for _, _, path in sorted(ready)]


def check_file(entity: str, path: Path) -> None:
    """Read the whole file as the files source would; raise `SourceError` naming what is wrong."""
    for _ in read_file(entity, path):
        pass


def process_inbox(
    folders: Folders,
    handled: set[str],
    now: datetime,
    settle_seconds: float = 10.0,
) -> InboxOutcome:
    """Handle every file ready in the inbox; `handled` holds the fingerprints already loaded.

    A file whose fingerprint is in `handled` was loaded before (a re-delivery): it is archived
    without replacing anything, so the same file never triggers a second refresh.
    """
    outcome = InboxOutcome()
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for path in pending_files(folders.inbox, now, settle_seconds):
        entity = entity_of(path.name)
        if entity is None:
            reject(path, folders.rejected, unrecognised_reason(path.name), now)
            outcome.rejected[path.name] = "unrecognised file name"
            continue
        try:
            dropped = DroppedFile(path.name, entity, file_sha256(path))
            if dropped.fingerprint in handled:
                archive(path, folders.archive, f"{stamp}-{dropped.sha256[:12]}")
                outcome.duplicates.append(dropped)
                continue
            check_file(entity, path)
        except SourceError as error:
            reject(path, folders.rejected, f"It could not be loaded as {entity}: {error}", now)
            outcome.rejected[path.name] = str(error)
            continue
        except OSError as error:
            outcome.unreadable[path.name] = f"{type(error).__name__}: {error.strerror or error}"
            continue
        except Exception as error:
            # A parser's own exception (a corrupt encoding, a malformed CSV quote) is still a
            # fault of the file; leaving it in the inbox would fail every tick.
            reason = f"It could not be read as {entity}: {type(error).__name__}: {error}"
            reject(path, folders.rejected, reason, now)
            outcome.rejected[path.name] = reason
            continue
        install(path, entity, folders.source, folders.archive / "replaced", stamp)
        archive(path, folders.archive, f"{stamp}-{dropped.sha256[:12]}")
        outcome.loaded.append(dropped)
        handled.add(dropped.fingerprint)
    return outcome


def install(path: Path, entity: str, source: Path, replaced: Path, stamp: str) -> Path:
    """Make `path` the entity's current file in `source`, under the name the source reads.

    The copy lands under a temporary name and is renamed over the current file in one step, so
    a refresh reading the folder meanwhile sees the old file or the new one, never half of one.
    """
    source.mkdir(parents=True, exist_ok=True)
    target = source / f"{entity}{path.suffix.lower()}"
    current = [source / f"{entity}{suffix}" for suffix in accepted_suffixes(entity)]
    for old in current:
        if old.is_file():
            replaced.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, replaced / f"{stamp}-{old.name}")
    incoming = source / f".{target.name}.incoming"
    shutil.copy2(path, incoming)
    os.replace(incoming, target)
    for old in current:
        if old != target:
            old.unlink(missing_ok=True)
    return target


def archive(path: Path, folder: Path, prefix: str) -> Path:
    """Move a handled file out of the inbox, keeping its name after a time and content prefix."""
    destination = free_path(folder, f"{prefix}-{path.name}")
    shutil.move(path, destination)
    return destination


def reject(path: Path, folder: Path, reason: str, now: datetime) -> Path:
    """Move a refused file to `folder` and write why beside it, as `<name>.reason.txt`."""
    destination = free_path(folder, path.name)
    shutil.move(path, destination)
    destination.with_name(f"{destination.name}.reason.txt").write_text(
        f"{path.name} was dropped in {path.parent} and refused at {now:%Y-%m-%d %H:%M:%S %Z}.\n"
        f"{reason}\n"
        "Nothing was loaded from it. Fix it and drop it in the inbox again.\n",
        encoding="utf-8",
    )
    return destination


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/name.2`-style if taken: nothing kept is ever overwritten."""
    folder.mkdir(parents=True, exist_ok=True)
    candidate, n = folder / name, 1
    while candidate.exists() or candidate.with_name(f"{candidate.name}.reason.txt").exists():
        n += 1
        stem, dot, suffix = name.partition(".")
        candidate = folder / (f"{stem}.{n}{dot}{suffix}" if dot else f"{name}.{n}")
    return candidate


def unrecognised_reason(name: str) -> str:
    formats = ", ".join(
        f"{spec.entity}{'/'.join(accepted_suffixes(spec.entity))}" for spec in FILE_SPECS
    )
    return (
        f"The name {name!r} does not say which file it is. Name it after what it holds, "
        f"optionally followed by -, _, . or a space and anything (spend_2026-11.csv): {formats}."
    )
