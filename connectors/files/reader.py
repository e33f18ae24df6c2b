"""The folder where the business drops its files: finds each entity's file and picks its reader.

An entity comes as `<entity>.csv` or as an Excel workbook `<entity>.xlsx`; the reviewed
application-to-objective mapping may also come as `application_objectives.yml`. Exactly one must be
present: with two, which one is current is a question only the business can answer, so the
extraction stops and names them rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from connectors.base import Entity, Window
from connectors.errors import SourceError
from connectors.files.csv_reader import read_csv
from connectors.files.schemas import APPLICATION_OBJECTIVES, FILE_SPECS, FileSpec
from connectors.files.xlsx_reader import read_xlsx
from connectors.files.yaml_reader import read_application_objectives

Reader = Callable[[FileSpec, Path, str], Iterator[pa.RecordBatch]]

_TABULAR: dict[str, Reader] = {".csv": read_csv, ".xlsx": read_xlsx}
_EXTRA: dict[str, dict[str, Reader]] = {
    APPLICATION_OBJECTIVES.entity: {".yml": read_application_objectives},
}


def accepted_suffixes(entity: str) -> tuple[str, ...]:
    """The extensions a file of `entity` may have (`.csv`, `.xlsx`, and `.yml` for the mapping)."""
    return tuple(_readers(entity))


def read_file(entity: str, path: Path, *, source: str = "files") -> Iterator[pa.RecordBatch]:
    """Read one file of `entity` whatever it is called, as the connector reads its own file.

    Lets a file be checked before it takes the place of the current one: errors name this path.
    Raises `SourceError` for an extension the entity does not come in, else as `extract` does.
    """
    specs = {spec.entity: spec for spec in FILE_SPECS}
    read = _readers(entity).get(path.suffix.lower())
    if read is None:
        accepted = ", ".join(accepted_suffixes(entity))
        raise SourceError(source, f"{path.name}: a {entity} file must be one of {accepted}")
    yield from read(specs[entity], path, source)


def _readers(entity: str) -> dict[str, Reader]:
    return _TABULAR | _EXTRA.get(entity, {})


class FilesConnector:
    """The folder where the business drops its exports; one file per entity, named by its spec."""

    def __init__(self, directory: Path, *, source: str = "files") -> None:
        self.directory = Path(directory)
        self.source = source
        self._specs = {spec.entity: spec for spec in FILE_SPECS}

    def entities(self) -> Sequence[Entity]:
        return [spec.to_entity() for spec in FILE_SPECS]

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield the file's rows in the entity schema.

        Raises `SourceError` when the file is missing, present in two formats, or its header or
        shape is wrong, and `RecordError` listing every bad or missing required value with where
        it is (CSV line, workbook sheet and row, YAML key path); all of them `permanent`.
        """
        spec = self._specs[entity]
        try:
            path, read = self._find(spec)
            yield from read(spec, path, self.source)
        except SourceError as error:
            # A local file reads the same on every attempt: only someone fixing it can help.
            error.permanent = True
            raise

    def _find(self, spec: FileSpec) -> tuple[Path, Reader]:
        stem = Path(spec.file_name).stem
        readers = _readers(spec.entity)
        candidates = [
            (self.directory / f"{stem}{suffix}", read) for suffix, read in readers.items()
        ]
        present = [(path, read) for path, read in candidates if path.is_file()]
        if len(present) > 1:
            names = " and ".join(path.name for path, _ in present)
            raise SourceError(
                self.source,
                f"{spec.entity}: both {names} are in {self.directory}; keep only the current one",
            )
        if not present:
            others = ", ".join(path.name for path, _ in candidates[1:])
            raise SourceError(
                self.source,
                f"{spec.entity}: file not found: {candidates[0][0]} (nor {others})",
            )
        return present[0]
