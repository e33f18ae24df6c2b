"""Checks a file's header against its declared columns, for every tabular format alike.

Columns are matched by name, so the business may reorder them or leave optional ones out; a missing
required, unknown or repeated name stops the read before any row, since every row would be wrong.
"""

from __future__ import annotations

from connectors.errors import SourceError
from connectors.files.schemas import FileSpec


def check_header(spec: FileSpec, header: list[str], where: str, source: str) -> None:
    """Raise `SourceError` at `where` ("spend.csv line 1 (header)") when the header is wrong."""
    declared = [column.name for column in spec.columns]
    unknown = [name for name in header if name not in declared]
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing required column(s) {missing}")
    if unknown:
        problems.append(f"unknown column(s) {unknown}")
    if duplicated:
        problems.append(f"duplicated column(s) {duplicated}")
    if problems:
        raise SourceError(source, f"{where}: {'; '.join(problems)}; expected columns {declared}")
