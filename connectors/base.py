"""The contract every connector honours, so the pipeline lands any source the same way.

A connector yields Arrow record batches that match the declared schema of an entity. It never
accumulates a whole entity in memory: the pipeline streams the batches to Parquet and loads them
into `raw.<source>__<entity>` in one transaction, so a failed extraction leaves the last good data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

import pyarrow as pa

#: Columns the pipeline adds to every raw table; connectors do not emit them.
LOAD_METADATA = pa.schema(
    [
        pa.field("_source", pa.string(), nullable=False),
        pa.field("_extracted_at", pa.timestamp("us"), nullable=False),
        pa.field("_loaded_at", pa.timestamp("us"), nullable=False),
        pa.field("_run_id", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True)
class Entity:
    """One kind of record a source offers, landed as the table `raw.<source>__<name>`.

    `snapshot` entities (inventories) are replaced whole at each extraction; `events` entities are
    appended per time window and de-duplicated on `key`, which is the event's own id.
    A snapshot that `replays_onto` another is the changes made to that one since its listing began
    (read with a window from then on): a listing too costly to read daily is kept for days and
    the changes since are replayed onto it downstream.
    Timestamps are naive and in UTC throughout, so date arithmetic never depends on a session zone.
    """

    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    kind: Literal["snapshot", "events"] = "snapshot"
    event_time: str | None = None
    replays_onto: str | None = None

    def __post_init__(self) -> None:
        missing = [column for column in self.key if column not in self.schema.names]
        if missing:
            raise ValueError(f"entity {self.name}: key columns {missing} are not in its schema")
        if self.kind == "events" and self.event_time not in self.schema.names:
            raise ValueError(f"entity {self.name}: an events entity needs its event_time column")
        if self.replays_onto and self.kind != "snapshot":
            raise ValueError(f"entity {self.name}: only a snapshot replays onto another")


@dataclass(frozen=True)
class Window:
    """A half-open interval of event time `[start, end)`, both naive UTC."""

    start: datetime
    end: datetime

    def naive_utc(self) -> Window:
        """The same window with aware bounds converted to naive UTC; refuses an inverted one."""
        start, end = (
            moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
            for moment in (self.start, self.end)
        )
        if start > end:
            raise ValueError(f"window starts after it ends: {self}")
        return Window(start, end)

    def split(self, span: timedelta) -> Iterator[Window]:
        """Consecutive windows of at most `span` covering this one: bounded vendor queries."""
        start = self.start
        while start < self.end:
            end = min(start + span, self.end)
            yield Window(start, end)
            start = end


class Connector(Protocol):
    """A source of raw records. `source` is the short name used in table names (`okta`, `files`)."""

    source: str

    def entities(self) -> Sequence[Entity]:
        """The entities this source offers, in the order they should be extracted."""
        ...

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` conforming to its schema.

        `window` bounds the event time of `events` entities and is ignored for snapshots.
        Raises `SourceError` (or a subclass) with the source, record and field when it cannot read.
        """
        ...


def in_batches_of(size: int, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """`batches` again as batches of `size` rows, the last one smaller: a consumer's memory is
    bounded by `size`, whatever the size of the vendor's pages."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= size:
            combined = pa.concat_batches(pending)
            yield combined.slice(0, size)
            pending, count = [combined.slice(size)], count - size
    if count:
        yield pa.concat_batches(pending)
