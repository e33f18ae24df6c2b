"""Check a sources configuration before a refresh depends on it: offline, secrets never shown.

Every source's settings are validated and its connector built, which proves each secret's
environment variable is set (its value is never read out). A `files` source's files are also read
in full, so a bad record is named now (file, row, field), not at 6 a.m. API sources are not called:
a refresh reports what the vendor says.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from connectors.config import build_connector, load_sources
from connectors.errors import SourceError


@dataclass(frozen=True)
class SourceCheck:
    source: str
    ok: bool
    detail: str


def validate_sources(path: Path, environ: Mapping[str, str] | None = None) -> list[SourceCheck]:
    """One result per source (or one for the file itself when it cannot be read)."""
    environ = os.environ if environ is None else environ
    try:
        sources = load_sources(path)
    except SourceError as error:
        return [SourceCheck("config", False, str(error))]
    checks = []
    for name, config in sources.items():
        try:
            connector = build_connector(config, environ)
            detail = f"{config.type}: settings valid, credentials set"
            if config.type == "files":
                detail = f"files: {_read_all(connector)}"
        except SourceError as error:
            checks.append(SourceCheck(name, False, str(error)))
            continue
        checks.append(SourceCheck(name, True, detail))
    return checks


def _read_all(connector) -> str:
    """Read every file the folder has; the number of records each holds."""
    counts = []
    for entity in connector.entities():
        rows = sum(batch.num_rows for batch in connector.extract(entity.name))
        counts.append(f"{entity.name} {rows}")
    return "records read: " + ", ".join(counts)
