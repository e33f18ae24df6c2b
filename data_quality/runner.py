"""Run a suite against a DuckDB table with great-expectations, in memory bounded by `chunk_rows`.

Marts can hold tens of millions of rows, so no table is ever loaded whole. Every check reads a
relation: the table itself, or SQL over it (an aggregate such as a row count or a reconciliation
difference). A relation of at most `chunk_rows` rows (most marts, every aggregate) is read once and
all its checks are validated in one GX call on that one batch: GX's fixed cost per call, not the
data, dominates on small tables. A larger relation's checks are evaluated by one of three
strategies, chosen from their expectation:

* streamed: row-wise expectations (column map, column-pair map and multicolumn map, e.g. not null,
  between, in set) read the relation as Arrow record batches of `chunk_rows` rows, one GX
  validation of all such checks per batch. Per-row results add up exactly across batches:
  element, missing and unexpected counts are summed, `mostly` is applied to the totals (as GX does
  on one batch), and the first `SAMPLE_SIZE` unexpected values are kept. Where SQL can vouch for a
  row (`questioned`: not null on any column but a float or a nested one; in set or between on
  text, boolean and integer columns), only the rows it cannot vouch for are read, and the others
  counted as present and expected.
* partitioned: uniqueness compares rows with each other, so a duplicate split across two naive
  chunks would go unseen. One aggregate first counts the relation's rows and finds whether every
  key is whole and once, as nearly always: then the rows are only counted. Otherwise those checks
  read their key columns only, computed into a temporary Parquet file; DuckDB keeps the rows whose
  key repeats or misses a value (the others are only counted), and GX gets those in n hash
  partitions (`hash(key) % n`, n = ceil(rows / chunk_rows)): every copy of a key falls in the same
  partition, so the counts stay exact and memory is bounded by one partition.
* whole: any other expectation (row count, column aggregates, order-dependent ones) needs the
  relation in one batch; the relation must then be small (at most `chunk_rows` rows, which an
  aggregate query is) or the check fails saying so, rather than loading a large table.

Only the columns the expectations name are read, plus the suite's key columns, which GX reports next
to each unexpected value (every column when a check is about the table itself, its set of columns or
its row count; until 2026-11-30 a small relation was read whole). Decimals become float64 and narrow
integers int64, so that GX's vectorised pandas paths apply (they are 2-3 times faster than its
per-value fallback); range and sign checks are unaffected, though sample money values show as
floats.
GX runs on pandas: its SQL engine fails on duckdb-engine (MetricResolutionError).
A check that cannot be evaluated (a missing column, a failing relation query) is a failed check
carrying the error, never an exception, so one broken check cannot hide the others' results.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from data_quality.checks import Check, Suite, load_gx
from data_quality.fingerprint import quote, table_fingerprint
from data_quality.questioned import certainly_expected
from data_quality.results import SAMPLE_SIZE, CheckResult, SuiteResult, jsonable

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation import Expectation

_PARTITIONED = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_multicolumn_values_to_be_unique",
    }
)
# Map expectations whose verdict on a row depends on the other rows (their order or statistics).
_WHOLE = frozenset(
    {
        "expect_column_values_to_be_increasing",
        "expect_column_values_to_be_decreasing",
        "expect_column_value_z_scores_to_be_less_than",
        "expect_column_values_to_not_be_outliers",
    }
)
_POSITION = "data_quality_position"
_UNCHANGED = CheckResult(
    name="table_unchanged_during_validation",
    expectation_type="table_fingerprint_unchanged",
    blocking=True,
    success=False,
    why="A table that changed while it was validated is not the table that passed.",
    error="the table's fingerprint changed during validation; validate it again",
)


def validate_table(
    con: duckdb.DuckDBPyConnection,
    qualified_table: str,
    suite: Suite,
    chunk_rows: int = 200_000,
    fingerprint_of: Callable[[], str] | None = None,
) -> SuiteResult:
    """Validate `qualified_table` (e.g. `marts.applications`) against `suite`.

    The fingerprint is taken before the checks and compared after them: a table that changed in
    between fails the suite. It is the table's content hash unless `fingerprint_of` gives another
    (a view over a file: the file's, `fingerprint.file_fingerprint`). A missing table raises
    `duckdb.CatalogException`.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    started = time.perf_counter()
    load_gx()
    fingerprint_of = fingerprint_of or functools.partial(table_fingerprint, con, qualified_table)
    fingerprint = fingerprint_of()
    row_count = con.execute(f"select count(*) from {qualified_table}").fetchone()[0]
    pending = [_Pending.of(check, qualified_table) for check in suite.checks]
    _Engine(con, chunk_rows, suite.key).run(pending, {_source(None, qualified_table): row_count})
    results = [item.result() for item in pending]
    if fingerprint_of() != fingerprint:
        results.append(_UNCHANGED)
    return SuiteResult(
        table=qualified_table,
        success=all(result.success for result in results if result.blocking),
        checks=results,
        fingerprint=fingerprint,
        row_count=row_count,
        duration_s=round(time.perf_counter() - started, 3),
    )


def warm_up() -> None:
    """Pay great-expectations' first-use costs now: its import, the shared context, and the
    metric machinery its first validation sets up (seconds, whatever the table)."""
    from data_quality.checks import Check, Suite, expect

    checks = (
        Check("id_not_null", expect("ExpectColumnValuesToNotBeNull", column="id"), True, "-"),
        Check("id_unique", expect("ExpectColumnValuesToBeUnique", column="id"), True, "-"),
        Check(
            "n_range", expect("ExpectColumnValuesToBeBetween", column="n", min_value=0), True, "-"
        ),
        Check("n_set", expect("ExpectColumnValuesToBeInSet", column="n", value_set=[1]), True, "-"),
    )
    with duckdb.connect() as con:
        con.execute("create view warm_up as select 1 as id, 1 as n")
        validate_table(con, "warm_up", Suite("warm_up", checks))


@dataclass
class _Pending:
    """A check under evaluation, with its results accumulated over the batches it reads."""

    check: Check
    source: str
    expectation: Expectation | None = None
    error: str | None = None
    verdicts: list[bool] = field(default_factory=list)
    counted: bool = False
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    sample: list[Any] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, check: Check, qualified_table: str) -> _Pending:
        pending = cls(check, _source(check.relation, qualified_table))
        try:
            pending.expectation = _build(check)
        except Exception as error:
            pending.error = f"could not build the expectation: {error}"
        return pending

    @property
    def strategy(self) -> str:
        from great_expectations.expectations.expectation import (
            ColumnMapExpectation,
            ColumnPairMapExpectation,
            MulticolumnMapExpectation,
        )

        kind = self.expectation.expectation_type
        if kind in _PARTITIONED:
            return "partitioned"
        row_wise = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
        if isinstance(self.expectation, row_wise) and kind not in _WHOLE:
            return "streamed"
        return "whole"

    def add(self, result: ExpectationValidationResult, keyed: bool) -> None:
        error = _error_message(result.exception_info or {})
        if error:
            self.error = self.error or error
            return
        values = result.result or {}
        self.verdicts.append(bool(result.success))
        if "unexpected_count" in values:
            self.counted = True
            self.element_count += values.get("element_count") or 0
            self.missing_count += values.get("missing_count") or 0
            self.unexpected_count += values.get("unexpected_count") or 0
        room = SAMPLE_SIZE - len(self.sample)
        self.sample += jsonable(values.get("partial_unexpected_list", [])[:room])
        if keyed:
            room = SAMPLE_SIZE - len(self.rows)
            self.rows += jsonable(values.get("partial_unexpected_index_list", [])[:room])
        if "observed_value" in values:
            self.observed["observed_value"] = jsonable(values["observed_value"])

    def result(self) -> CheckResult:
        check, expectation = self.check, self.expectation
        kind = expectation.expectation_type if expectation else _declared_kind(check)
        common = {
            "name": check.name,
            "expectation_type": kind,
            "blocking": check.blocking,
            "why": check.why,
        }
        if self.error or not self.verdicts:
            error = self.error or "the check was not evaluated"
            return CheckResult(**common, success=False, error=error)
        details: dict[str, Any] = {"kwargs": _arguments(expectation), **self.observed}
        if not self.counted:
            success = all(self.verdicts)
            return CheckResult(
                **common, success=success, unexpected_sample=self.sample, details=details
            )
        considered = self.element_count - self.missing_count
        mostly = getattr(expectation, "mostly", None)
        mostly = 1.0 if mostly is None else float(mostly)
        success = considered == 0 or (considered - self.unexpected_count) / considered >= mostly
        details["missing_count"] = self.missing_count
        details["unexpected_percent"] = (
            100 * self.unexpected_count / considered if considered else None
        )
        return CheckResult(
            **common,
            success=success,
            element_count=self.element_count,
            unexpected_count=self.unexpected_count,
            unexpected_sample=self.sample,
            unexpected_rows=self.rows,
            details=details,
        )


class _Engine:
    """Reads each relation from DuckDB in bounded batches and hands them to great-expectations."""

    def __init__(self, con: duckdb.DuckDBPyConnection, chunk_rows: int, key: tuple[str, ...]):
        self._con = con
        self._chunk_rows = chunk_rows
        self._key = key
        self._gx = _Validator.shared()

    def run(self, pending: list[_Pending], known_rows: dict[str, int]) -> None:
        """Evaluate every check, one relation at a time; `known_rows` are counts already taken."""
        sources: dict[str, list[_Pending]] = {}
        for item in pending:
            if item.error is None:
                sources.setdefault(item.source, []).append(item)
        for source, items in sources.items():
            try:
                rows = known_rows.get(source)
                # Uniqueness alone on a relation of unknown size (a `select distinct` over a
                # delivery) goes straight to its partitions: finding out whether it is small would
                # compute it once more, then partitioning once again.
                alone = rows is None and all(item.strategy == "partitioned" for item in items)
                small = None if alone else self._small(source, rows, items)
                if small is not None:
                    self._gx.validate(_frame(small), items, self._index(small.column_names))
                    continue
                groups: dict[str, list[_Pending]] = {}
                for item in items:
                    groups.setdefault(item.strategy, []).append(item)
                for strategy, group in groups.items():
                    if strategy == "partitioned":
                        for item in group:
                            self._partitioned(source, item)
                    elif strategy == "streamed":
                        self._streamed(source, group, rows)
                    else:
                        self._whole(source, group)
            except (duckdb.Error, pa.ArrowException) as error:
                for item in items:
                    item.error = item.error or f"reading the relation failed: {error}"

    def _small(self, source: str, rows: int | None, items: list[_Pending]) -> pa.Table | None:
        """The relation if it fits one chunk, else None (reading at most one chunk), with only
        the columns `items` read when each names its columns.

        Most marts and every aggregate relation are this small: one read and one GX validation
        then serve all their checks, whatever their strategy, since one batch holds every row.
        The other columns would only be converted to pandas for nothing: Google's token
        activities, 103,000 rows a day at L, carry their events' parameters as JSON text.
        """
        if rows is not None and rows > self._chunk_rows:
            return None
        columns = self._columns(source)
        selected = ", ".join(quote(column) for column in _batch_columns(columns, items, self._key))
        table = self._con.execute(
            f"select {selected} from ({source}\n) as _dq limit {self._chunk_rows + 1}"
        ).to_arrow_table()
        return None if table.num_rows > self._chunk_rows else table

    def _streamed(self, source: str, items: list[_Pending], rows: int | None) -> None:
        """Row-wise checks in batches: those whose certainly-fine rows SQL can tell
        (`questioned`) see only the other rows, and count the rest; any others see every row."""
        types = self._types(source)
        columns = list(types)
        fine = {id(item): certainly_expected(item.expectation, types) for item in items}
        vouched = [item for item in items if fine[id(item)] is not None]
        if vouched:
            questioned = " or ".join(f"not coalesce({fine[id(item)]}, false)" for item in vouched)
            streamed = self._stream(source, columns, vouched, questioned)
            if rows is None:
                rows = self._con.execute(f"select count(*) from ({source}\n) as _dq").fetchone()[0]
            # Every row not streamed is present and expected for each of these checks.
            for item in vouched:
                item.element_count += rows - streamed
        others = [item for item in items if fine[id(item)] is None]
        if others:
            self._stream(source, columns, others)

    def _stream(
        self, source: str, columns: list[str], items: list[_Pending], where: str = "true"
    ) -> int:
        """Validate the relation's rows matching `where` in batches; how many there were."""
        index = self._index(columns)
        projection = _projection(columns, items, index)
        if not projection:
            self._validate_empty(source, items, index)
            return 0
        reader = self._query(source, projection, where).to_arrow_reader(self._chunk_rows)
        streamed = 0
        for batch in reader:
            live = [item for item in items if item.error is None]
            if not live:
                return streamed
            self._gx.validate(_frame(pa.Table.from_batches([batch])), live, index)
            streamed += batch.num_rows
        if not streamed:
            self._gx.validate(_frame(reader.schema.empty_table()), items, index)
        return streamed

    def _partitioned(self, source: str, item: _Pending) -> None:
        columns = self._columns(source)
        hashed = _referenced(item.expectation)
        if not set(hashed) <= set(columns):
            self._validate_empty(source, [item], [])
            return
        projection = _projection(columns, [item], [])
        selected = ", ".join(quote(column) for column in projection)
        if not getattr(item.expectation, "row_condition", None) and self._all_keys_once(
            source, selected, hashed, item
        ):
            return
        with tempfile.TemporaryDirectory(prefix="data-quality-") as folder:
            # The relation is computed once, streamed by DuckDB into a temporary Parquet file
            # that the next steps scan: a relation is often a `select distinct` over a whole
            # delivery, which a query per partition computed again each time (14 times for 2.8
            # million sign-ins). The files go with the folder.
            path = str(Path(folder) / "relation.parquet").replace("'", "''")
            written = self._con.execute(
                f"copy (select {selected} from ({source}\n) as _dq) to '{path}' (format parquet)"
            ).fetchone()
            rows = written[0] if written else 0
            if not getattr(item.expectation, "row_condition", None):
                path, kept = self._keys_in_question(path, selected, hashed, folder, rows)
                # Rows whose key is whole and once in the relation are neither unexpected nor
                # missing, however great-expectations treats nulls: they are only counted.
                item.element_count += rows - kept
                rows = kept
            for partition in self._hash_partitions(path, selected, hashed, rows):
                self._gx.validate(_frame(partition), [item], [])
                if item.error:
                    return

    def _all_keys_once(self, source: str, selected: str, hashed: list[str], item: _Pending) -> bool:
        """Whether every key of the relation is whole and once in it; if so, `item` has counted
        its rows and has GX's verdict on none of them.

        One aggregate over the relation answers that, nearly always yes. Writing the relation to a
        file, then grouping the file, took 21 of the 36 s that the audit of L's 27.8 million Okta
        sign-ins took; the one aggregate takes 12 s. Otherwise the repeated and incomplete keys are
        found and judged as before (`_keys_in_question`), and the relation is computed twice.
        """
        keys = ", ".join(quote(column) for column in hashed)
        incomplete = " or ".join(f"{quote(column)} is null" for column in hashed)
        counted = self._con.execute(
            f"""select coalesce(sum(_n), 0), count(*) filter (where _n > 1 or {incomplete})
            from (
                select {keys}, count(*) as _n
                from (select {selected} from ({source}\n) as _dq)
                group by all
            )"""
        ).fetchone()
        rows, questioned = counted if counted else (0, 0)
        if questioned:
            return False
        item.element_count += rows
        self._validate_empty(source, [item], [])
        return True

    def _hash_partitions(
        self, path: str, selected: str, hashed: list[str], rows: int
    ) -> Iterator[pa.Table]:
        """The `rows` of the Parquet file at `path` in `hash(hashed) % n` partitions of about
        `chunk_rows`: every copy of a key falls in one partition, and only one partition is ever
        in this process's memory."""
        keys = ", ".join(quote(column) for column in hashed)
        parts = max(1, math.ceil(rows / self._chunk_rows))
        for part in range(parts):
            where = f"hash({keys}) % {parts} = {part}" if parts > 1 else "true"
            yield self._con.execute(
                f"select {selected} from read_parquet('{path}') where {where}"
            ).to_arrow_table()

    def _keys_in_question(
        self, path: str, selected: str, hashed: list[str], folder: str, rows: int
    ) -> tuple[str, int]:
        """The rows of the Parquet file at `path` a uniqueness check can find wrong, those whose
        key repeats or misses a value, written to a file of their own: its path, and how many.

        DuckDB finds the repeats with one hash aggregate. At L's full refresh, great-expectations
        compared 28 million sign-in ids in hash partitions for minutes, to find none.
        """
        if rows == 0:
            return path, 0
        keys = ", ".join(quote(column) for column in hashed)
        incomplete = " or ".join(f"{quote(column)} is null" for column in hashed)
        questioned = str(Path(folder) / "questioned.parquet").replace("'", "''")
        written = self._con.execute(
            f"""copy (
                with repeated as (
                    select {keys} from read_parquet('{path}') group by all having count(*) > 1
                )
                select {selected} from read_parquet('{path}') where {incomplete}
                union all
                select {selected} from read_parquet('{path}') semi join repeated using ({keys})
            ) to '{questioned}' (format parquet)"""
        ).fetchone()
        return questioned, written[0] if written else 0

    def _whole(self, source: str, items: list[_Pending]) -> None:
        table = self._con.execute(
            f"select * from ({source}\n) as _dq limit {self._chunk_rows + 1}"
        ).to_arrow_table()
        if table.num_rows > self._chunk_rows:
            for item in items:
                item.error = (
                    f"{item.expectation.expectation_type} needs its relation in one batch, which "
                    f"has more than {self._chunk_rows} rows: check an aggregate relation instead"
                )
            return
        self._gx.validate(_frame(table), items, self._index(table.column_names))

    def _validate_empty(self, source: str, items: list[_Pending], index: list[str]) -> None:
        """Let GX report the missing columns, as it does on a table of any size."""
        empty = self._con.execute(f"select * from ({source}\n) as _dq limit 0").to_arrow_table()
        self._gx.validate(_frame(empty), items, index)

    def _types(self, source: str) -> dict[str, str]:
        """Each column's DuckDB type, as `describe` names it (`VARCHAR`, `BIGINT`, ...), in the
        relation's order."""
        described = self._con.execute(f"describe select * from ({source}\n) as _dq").fetchall()
        return {row[0]: row[1] for row in described}

    def _columns(self, source: str) -> list[str]:
        self._con.execute(f"select * from ({source}\n) as _dq limit 0")
        return [column[0] for column in self._con.description]

    def _index(self, columns: list[str]) -> list[str]:
        """The key columns this relation has (e.g. objective_id of a per-objective aggregate)."""
        return [column for column in self._key if column in columns]

    def _query(
        self, source: str, projection: list[str], where: str = "true"
    ) -> duckdb.DuckDBPyConnection:
        selected = ", ".join(quote(column) for column in projection)
        return self._con.execute(f"select {selected} from ({source}\n) as _dq where {where}")


class _Validator:
    """great-expectations on pandas frames, in an ephemeral context made once per process.

    Making the context costs about as much as validating a small mart, and it holds nothing
    from one validation to the next (each frame is passed as a batch parameter), so every suite
    run shares one.
    """

    _instance: _Validator | None = None
    _lock = threading.Lock()

    @classmethod
    def shared(cls) -> _Validator:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self) -> None:
        gx = load_gx()
        _memoise_expectation_names()
        _memoise_expectation_configurations()
        _hash_plain_metric_keywords_directly()
        _skip_batch_fingerprints()
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.validator.v1_validator import Validator

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_pandas("data_quality").add_dataframe_asset("batch")
        self._batches = asset.add_batch_definition_whole_dataframe("batch")
        self._suite_class = gx.ExpectationSuite
        self._validator_class = Validator

    def validate(self, frame: pd.DataFrame, items: list[_Pending], index: list[str]) -> None:
        """Validate `frame` against every item's expectation at once, so GX shares the metrics."""
        tagged = [
            item.expectation.copy(update={"meta": {**(item.expectation.meta or {}), _POSITION: n}})
            for n, item in enumerate(items)
        ]
        result_format: dict[str, Any] = {
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE_SIZE,
        }
        if index:
            result_format["unexpected_index_column_names"] = index
        # GX's own validator, as `ValidationDefinition.run` uses it: `Batch.validate` would load
        # (and hash, for its batch markers) each frame twice.
        validator = self._validator_class(
            batch_definition=self._batches,
            batch_parameters={"dataframe": frame},
            result_format=result_format,
        )
        try:
            outcome = validator.validate_expectation_suite(
                self._suite_class(name="batch", expectations=tagged)
            )
        except Exception as error:
            for item in items:
                item.error = item.error or f"great-expectations failed: {error}"
            return
        for result in outcome.results:
            item = items[result.expectation_config.meta[_POSITION]]
            # Uniqueness reports its duplicated values, not rows: a large table's partitions hold
            # only the key columns, so a small table's single batch reports the same.
            item.add(result, keyed=bool(index) and item.strategy != "partitioned")


def _memoise_expectation_names() -> None:
    """Cache GX's `camel_to_snake`, a pure regex function it calls dozens of times per expectation.

    `Expectation.configuration` names the expectation type from its class name on every access,
    and validating one expectation reads `configuration` about 80 times: the regexes were a fifth
    of the gate's time. Memoising a pure function changes no result; if GX moves the function,
    this does nothing.
    """
    from great_expectations.expectations import expectation

    convert = getattr(expectation, "camel_to_snake", None)
    if callable(convert) and not hasattr(convert, "cache_info"):
        expectation.camel_to_snake = functools.lru_cache(maxsize=1024)(convert)


#: Expectations whose configuration is kept, at most: a gate validates about 450.
_CONFIGURATIONS_KEPT = 4096


def _memoise_expectation_configurations() -> None:
    """Keep each expectation's `configuration` until one of its fields is set.

    GX rebuilds the configuration (a pydantic `dict()` of the expectation, then a new
    `ExpectationConfiguration`) each time it reads it, about 80 times per expectation validated: a
    fifth of the gate's great-expectations time. It depends on nothing but the fields, so it is
    kept per expectation and dropped when a field is set. The entry holds the expectation itself, so
    its `id` cannot name another object while kept. If GX renames the property, this does nothing.
    """
    from great_expectations.expectations.expectation import Expectation

    built = getattr(Expectation, "configuration", None)
    if not isinstance(built, property) or getattr(built.fget, "memoised", False):
        return
    build, set_field = built.fget, Expectation.__setattr__
    kept: dict[int, tuple[Any, Any]] = {}

    def configuration(self: Expectation) -> Any:
        entry = kept.get(id(self))
        if entry is not None and entry[0] is self:
            return entry[1]
        if len(kept) >= _CONFIGURATIONS_KEPT:
            kept.clear()
        value = build(self)
        kept[id(self)] = (self, value)
        return value

    def set_and_forget(self: Expectation, name: str, value: Any) -> None:
        kept.pop(id(self), None)
        set_field(self, name, value)

    configuration.memoised = True  # type: ignore[attr-defined]
    Expectation.configuration = property(configuration)  # type: ignore[method-assign,assignment]
    Expectation.__setattr__ = set_and_forget  # type: ignore[method-assign,assignment]


#: The values GX's JSON conversion returns unchanged (and finite floats, checked apart).
_PLAIN_JSON = (str, int, bool, type(None))


def _hash_plain_metric_keywords_directly() -> None:
    """Skip GX's generic JSON conversion when a metric's keywords are plain values.

    GX names each metric it configures by an md5 of its keywords as JSON (`IDDict.to_id`), made by
    `convert_to_json_serializable`: a dozen type checks per value, a fifth of the gate's
    great-expectations time. That conversion returns text, integers, booleans, None and finite
    floats unchanged, so for those the JSON is dumped directly: the same text, the same id. Any
    other value (a list, NaN, a numpy number) takes GX's own way.
    """
    from great_expectations.core.id_dict import IDDict

    to_id = IDDict.to_id
    if getattr(to_id, "direct", False):
        return

    def direct_to_id(self: IDDict, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
        if id_keys is None and id_ignore_keys is None:
            ignored = self._id_ignore_keys
            keywords = {key: value for key, value in self.items() if key not in ignored}
            if len(keywords) > 1 and all(
                type(key) is str
                and (type(value) in _PLAIN_JSON or (type(value) is float and math.isfinite(value)))
                for key, value in keywords.items()
            ):
                text = json.dumps(keywords, sort_keys=True)
                return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
        return to_id(self, id_keys, id_ignore_keys)

    direct_to_id.direct = True  # type: ignore[attr-defined]
    direct_to_id.gx_to_id = to_id  # type: ignore[attr-defined]
    IDDict.to_id = direct_to_id  # type: ignore[method-assign]


def _skip_batch_fingerprints() -> None:
    """Stop GX hashing every frame it is given, row by row, into a batch marker.

    GX's pandas engine fingerprints each batch under 1 GB (`hash_pandas_object` over every cell,
    then md5) only to tag the batch; the gate never reads the tag. On a 2.8-million-row delivery
    it was a fifth of the raw audit. The table's own fingerprint (`table_fingerprint`), taken by
    DuckDB before and after the checks, is what proves that the validated table did not change.
    If GX renames the threshold, this does nothing.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0


def _source(relation: str | None, qualified_table: str) -> str:
    """The SQL a check reads: its relation over the table, or the table itself."""
    relation = relation or "select * from {table}"
    return relation.replace("{table}", qualified_table).rstrip().rstrip(";")


def _build(check: Check) -> Expectation:
    from great_expectations.expectations.expectation import Expectation

    if isinstance(check.expectation, Expectation):
        return check.expectation
    expectation = check.expectation()
    if not isinstance(expectation, Expectation):
        raise TypeError(f"the factory returned {type(expectation).__name__}, not an Expectation")
    return expectation


def _declared_kind(check: Check) -> str:
    """The expectation's type for a result when it could not be built (`Expect` knows its class)."""
    kind = getattr(check.expectation, "kind", None)
    if not kind:
        return "unknown"
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")


def _referenced(expectation: Expectation) -> list[str]:
    named = [getattr(expectation, name, None) for name in ("column", "column_A", "column_B")]
    return [c for c in named if isinstance(c, str)] + list(getattr(expectation, "column_list", ()))


def _projection(columns: list[str], items: list[_Pending], index: list[str]) -> list[str]:
    """The relation's columns that `items` read, in the relation's order; all for row conditions."""
    if any(getattr(item.expectation, "row_condition", None) for item in items):
        return columns
    wanted = {column for item in items for column in _referenced(item.expectation)}
    return [column for column in columns if column in wanted or column in index]


def _batch_columns(columns: list[str], items: list[_Pending], key: tuple[str, ...]) -> list[str]:
    """The columns one batch validating all `items` needs: those they name and the key columns,
    or every column when one of them is about the table (its columns, its row count)."""
    if any(not _referenced(item.expectation) for item in items):
        return columns
    return _projection(columns, items, [column for column in key if column in columns])


def _frame(table: pa.Table) -> pd.DataFrame:
    fields = [pa.field(f.name, _vectorisable(f.type)) for f in table.schema]
    return table.cast(pa.schema(fields)).to_pandas()


def _vectorisable(arrow_type: pa.DataType) -> pa.DataType:
    if pa.types.is_decimal(arrow_type):
        return pa.float64()
    if pa.types.is_integer(arrow_type) and arrow_type != pa.uint64():
        return pa.int64()
    return arrow_type


def _arguments(expectation: Expectation) -> dict[str, Any]:
    kwargs = dict(expectation.configuration.kwargs)
    kwargs.pop("batch_id", None)
    return jsonable(kwargs)


def _error_message(exception_info: dict[str, Any]) -> str | None:
    """GX reports exceptions either directly or keyed by the metric that raised them."""
    entries = [exception_info] if "raised_exception" in exception_info else exception_info.values()
    messages = [
        str(entry.get("exception_message") or "an exception was raised")
        for entry in entries
        if isinstance(entry, dict) and entry.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or None
