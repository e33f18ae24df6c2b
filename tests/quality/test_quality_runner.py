"""The gate's engine: every kind of failure is reported exactly, whatever the chunk size."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

from data_quality import runner
from data_quality.checks import Check, Suite, expect, load_gx
from data_quality.fingerprint import table_fingerprint
from data_quality.runner import validate_table

SEATS = Suite(
    table="seats",
    key=("application_id",),
    checks=(
        Check(
            "application_id_not_null",
            expect("ExpectColumnValuesToNotBeNull", column="application_id"),
            True,
            "A row without a key cannot be joined.",
        ),
        Check(
            "application_id_unique",
            expect("ExpectColumnValuesToBeUnique", column="application_id"),
            True,
            "A duplicated application is counted twice.",
        ),
        Check(
            "seats_non_negative",
            expect("ExpectColumnValuesToBeBetween", column="seats", min_value=0),
            True,
            "A negative seat count is impossible.",
        ),
        Check(
            "plan_in_set",
            expect("ExpectColumnValuesToBeInSet", column="plan", value_set=["basic", "pro"]),
            True,
            "Reports group by plan.",
        ),
        Check(
            "cost_plausible",
            expect("ExpectColumnValuesToBeBetween", column="cost_usd", max_value=1000),
            False,
            "A large cost may be real, so it only warns.",
        ),
        Check(
            "cost_reconciles",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="difference_usd",
                min_value=-0.01,
                max_value=0.01,
            ),
            True,
            "The total must equal the sum of its parts.",
            relation="select sum(cost_usd) - sum(seats * unit_price_usd) as difference_usd "
            "from {table}",
        ),
    ),
)


def create_seats(con: duckdb.DuckDBPyConnection, rows: int = 12) -> None:
    """`rows` valid rows: app_0..app_n, 2 seats each at 10 USD, plan basic or pro."""
    con.execute(
        "create or replace table marts.seats as select 'app_' || i as application_id,"
        " 2::integer as seats, case when i % 2 = 0 then 'basic' else 'pro' end as plan,"
        " 10.00::decimal(18, 2) as unit_price_usd, 20.00::decimal(18, 2) as cost_usd"
        f" from range({rows}) as r(i)"
    )


def check(result, name: str):
    return next(c for c in result.checks if c.name == name)


def test_a_table_meeting_every_expectation_passes(warehouse) -> None:
    create_seats(warehouse)

    result = validate_table(warehouse, "marts.seats", SEATS)

    assert result.success
    assert all(c.success for c in result.checks)
    assert [c.name for c in result.checks] == [c.name for c in SEATS.checks]
    assert result.row_count == 12
    assert result.fingerprint == table_fingerprint(warehouse, "marts.seats")
    assert result.summary() == "marts.seats: all 6 checks passed on 12 rows"


def test_a_negative_seat_count_is_named_with_its_expectation_count_and_row(warehouse) -> None:
    # GIVEN one contract whose seats were corrupted to -5
    create_seats(warehouse)
    warehouse.execute("update marts.seats set seats = -5 where application_id = 'app_7'")

    result = validate_table(warehouse, "marts.seats", SEATS)

    failed = check(result, "seats_non_negative")
    assert not result.success
    assert failed.expectation_type == "expect_column_values_to_be_between"
    assert (failed.element_count, failed.unexpected_count) == (12, 1)
    assert failed.unexpected_sample == [-5]
    assert failed.unexpected_rows == [{"seats": -5, "application_id": "app_7"}]
    line = next(line for line in result.summary().splitlines() if "seats_non_negative" in line)
    assert line.startswith("marts.seats [BLOCKING] seats_non_negative:")
    assert "expect_column_values_to_be_between" in line
    assert "1 of 12 rows unexpected" in line
    assert "-5" in line
    assert "app_7" in line


def test_missing_keys_values_outside_their_set_and_duplicates_are_each_counted(warehouse) -> None:
    create_seats(warehouse)
    warehouse.execute(
        "update marts.seats set application_id = null where seats = 2 and plan = 'pro'"
    )
    warehouse.execute("update marts.seats set plan = 'gold' where application_id = 'app_2'")
    warehouse.execute(
        "insert into marts.seats select * from marts.seats where application_id = 'app_4'"
    )

    result = validate_table(warehouse, "marts.seats", SEATS)

    missing = check(result, "application_id_not_null")
    duplicated = check(result, "application_id_unique")
    outside = check(result, "plan_in_set")
    assert [missing.success, duplicated.success, outside.success] == [False, False, False]
    assert (missing.unexpected_count, missing.unexpected_sample) == (6, [None] * 6)
    assert (duplicated.unexpected_count, duplicated.unexpected_sample) == (2, ["app_4", "app_4"])
    assert (outside.unexpected_count, outside.unexpected_sample) == (1, ["gold"])
    assert outside.unexpected_rows == [{"plan": "gold", "application_id": "app_2"}]


def test_a_relation_check_reports_the_difference_it_found(warehouse) -> None:
    create_seats(warehouse)
    warehouse.execute("update marts.seats set cost_usd = 20.05 where application_id = 'app_1'")

    result = validate_table(warehouse, "marts.seats", SEATS)

    failed = check(result, "cost_reconciles")
    assert not result.success
    assert (failed.element_count, failed.unexpected_count) == (1, 1)
    assert failed.unexpected_sample == [pytest.approx(0.05)]


def test_a_warning_failure_is_reported_but_leaves_the_suite_successful(warehouse) -> None:
    create_seats(warehouse)
    warehouse.execute(
        "update marts.seats set cost_usd = 2000, unit_price_usd = 1000"
        " where application_id = 'app_3'"
    )

    result = validate_table(warehouse, "marts.seats", SEATS)

    assert result.success
    assert [c.name for c in result.failures] == ["cost_plausible"]
    assert result.summary().startswith("marts.seats [WARNING] cost_plausible:")


def test_chunked_validation_counts_exactly_what_one_chunk_counts(warehouse) -> None:
    # GIVEN failures of every kind spread over the table
    create_seats(warehouse, rows=24)
    warehouse.execute(
        "update marts.seats set seats = -1 where application_id in ('app_3', 'app_21')"
    )
    warehouse.execute(
        "update marts.seats set application_id = null where application_id = 'app_22'"
    )
    warehouse.execute("update marts.seats set plan = 'gold' where application_id like 'app_1_'")
    warehouse.execute("insert into marts.seats select * from marts.seats where plan = 'gold'")

    whole = validate_table(warehouse, "marts.seats", SEATS)
    chunked = validate_table(warehouse, "marts.seats", SEATS, chunk_rows=5)

    def counts(result):
        return [
            (
                c.name,
                c.success,
                c.element_count,
                c.unexpected_count,
                sorted(map(str, c.unexpected_sample)),
            )
            for c in result.checks
        ]

    assert counts(chunked) == counts(whole)
    assert check(whole, "plan_in_set").unexpected_count == 20


def test_uniqueness_finds_duplicates_that_straddle_naive_chunks(warehouse) -> None:
    # GIVEN the first and the last row share a key, far apart in a table read 2 rows at a time
    create_seats(warehouse, rows=20)
    warehouse.execute(
        "insert into marts.seats select * from marts.seats where application_id = 'app_0'"
    )
    pair = Suite(
        table="seats",
        checks=(
            Check(
                "application_and_plan_unique",
                expect("ExpectCompoundColumnsToBeUnique", column_list=["application_id", "plan"]),
                True,
                "One row per application and plan.",
            ),
            *(c for c in SEATS.checks if c.name == "application_id_unique"),
        ),
    )

    result = validate_table(warehouse, "marts.seats", pair, chunk_rows=2)

    compound, single = result.checks
    assert (compound.success, compound.element_count, compound.unexpected_count) == (False, 21, 2)
    assert compound.unexpected_sample == [{"application_id": "app_0", "plan": "basic"}] * 2
    assert (single.success, single.element_count, single.unexpected_count) == (False, 21, 2)


@pytest.mark.parametrize("duplicated", [False, True], ids=["keys-once", "key-repeated"])
def test_a_uniqueness_check_reads_its_relation_at_most_twice_however_many_partitions(
    warehouse, duplicated: bool
) -> None:
    # GIVEN a relation computed per row, read in 2-row partitions (11 of them), with or without a
    # key repeated
    create_seats(warehouse, rows=20)
    if duplicated:
        warehouse.execute(
            "insert into marts.seats select * from marts.seats where application_id = 'app_7'"
        )
    evaluated: list[str] = []
    warehouse.create_function(
        "evaluated",
        lambda key: evaluated.append(key) or key,
        ["VARCHAR"],
        "VARCHAR",
        side_effects=True,
    )
    unique = Suite(
        table="seats",
        checks=(
            Check(
                "key_unique",
                expect("ExpectColumnValuesToBeUnique", column="key"),
                True,
                "One row per key.",
                relation="select evaluated(application_id) as key from {table}",
            ),
        ),
    )

    result = validate_table(warehouse, "marts.seats", unique, chunk_rows=2)

    # THEN a relation whose keys are each once is computed once, by the aggregate that finds so,
    # and counted. With a key repeated, the duplicate is found: the relation is computed once more,
    # into the file its partitions are read from, not once per partition
    (key,) = result.checks
    rows = 21 if duplicated else 20
    expected = (False, rows, 2) if duplicated else (True, rows, 0)
    assert (key.success, key.element_count, key.unexpected_count) == expected
    assert key.unexpected_sample == (["app_7", "app_7"] if duplicated else [])
    assert len(evaluated) == rows * (2 if duplicated else 1)


@pytest.mark.parametrize(
    ("expectation", "rows_counted"),
    [
        (expect("ExpectCompoundColumnsToBeUnique", column_list=["application_id", "plan"]), 17),
        (
            expect(
                "ExpectCompoundColumnsToBeUnique",
                column_list=["application_id", "plan"],
                ignore_row_if="any_value_is_missing",
            ),
            17,
        ),
        # great-expectations reports no counts for this one, only its verdict
        (
            expect("ExpectMulticolumnValuesToBeUnique", column_list=["application_id", "plan"]),
            None,
        ),
        (expect("ExpectColumnValuesToBeUnique", column="plan", mostly=0.1), 17),
    ],
    ids=["compound", "compound-any-missing", "multicolumn", "column-mostly"],
)
def test_uniqueness_in_partitions_counts_what_one_batch_counts_with_missing_values(
    warehouse, expectation, rows_counted
) -> None:
    # GIVEN keys repeated whole, repeated with a value missing, missing entirely, and unique
    create_seats(warehouse, rows=9)
    warehouse.execute(
        "insert into marts.seats values"
        " ('app_1', 2, 'basic', 10, 20), (null, 2, 'pro', 10, 20), (null, 2, 'pro', 10, 20),"
        " ('app_2', 2, null, 10, 20), ('app_2', 2, null, 10, 20), ('app_4', 2, null, 10, 20),"
        " (null, 2, null, 10, 20), (null, 2, null, 10, 20)"
    )
    suite = Suite(table="seats", checks=(Check("unique", expectation, True, "One row each."),))

    whole = validate_table(warehouse, "marts.seats", suite)
    partitioned = validate_table(warehouse, "marts.seats", suite, chunk_rows=2)

    def counts(result):
        (unique,) = result.checks
        return (
            unique.success,
            unique.element_count,
            unique.unexpected_count,
            unique.details.get("missing_count"),
            unique.details.get("unexpected_percent"),
            sorted(map(str, unique.unexpected_sample)),
        )

    assert counts(partitioned) == counts(whole)
    assert counts(whole)[1] == rows_counted


def test_great_expectations_compares_only_the_keys_that_repeat_or_miss_a_value(
    warehouse, monkeypatch
) -> None:
    # GIVEN 40 unique keys, one repeated and one missing, read in partitions of 5 rows
    create_seats(warehouse, rows=40)
    warehouse.execute(
        "insert into marts.seats values ('app_7', 2, 'pro', 10, 20), (null, 2, 'pro', 10, 20)"
    )
    from data_quality import runner

    handed: list[int] = []
    validate = runner._Validator.validate

    def counted(self, frame, items, index):
        handed.append(len(frame))
        return validate(self, frame, items, index)

    monkeypatch.setattr(runner._Validator, "validate", counted)
    unique = Suite(table="seats", checks=tuple(c for c in SEATS.checks if "unique" in c.name))

    result = validate_table(warehouse, "marts.seats", unique, chunk_rows=5)

    # THEN great-expectations saw the three rows in question, and every row is still counted
    (key,) = result.checks
    assert sum(handed) == 3
    assert (key.success, key.element_count, key.unexpected_count) == (False, 42, 2)
    assert key.details["missing_count"] == 1
    assert key.unexpected_sample == ["app_7", "app_7"]


def test_gx_is_not_made_to_hash_every_frame_it_validates(warehouse, monkeypatch) -> None:
    # GX's pandas engine fingerprints each batch cell by cell, for a tag the gate never reads
    load_gx()
    from great_expectations.execution_engine import pandas_execution_engine

    create_seats(warehouse)
    hashed: list[int] = []
    monkeypatch.setattr(
        pandas_execution_engine,
        "hash_pandas_dataframe",
        lambda frame: hashed.append(len(frame)) or "fingerprint",
    )

    result = validate_table(warehouse, "marts.seats", SEATS)

    assert result.success
    assert hashed == []


def test_a_small_table_reaches_gx_with_only_the_columns_its_checks_read(
    warehouse, monkeypatch
) -> None:
    from data_quality import runner

    create_seats(warehouse)
    warehouse.execute("alter table marts.seats add column notes varchar default 'wide text'")
    validated: list[list[str]] = []
    real = runner._Validator.validate

    def recorded(self, frame, items, index):
        validated.append(list(frame.columns))
        return real(self, frame, items, index)

    monkeypatch.setattr(runner._Validator, "validate", recorded)
    about_columns = Suite(table="seats", key=SEATS.key, checks=SEATS.checks[:4])
    with_the_table = Suite(
        table="seats",
        key=SEATS.key,
        checks=(
            *SEATS.checks[:1],
            Check(
                "columns",
                expect(
                    "ExpectTableColumnsToMatchSet",
                    column_set=["application_id", "seats", "plan", "unit_price_usd", "cost_usd"],
                ),
                True,
                "Reports read these columns.",
            ),
        ),
    )

    assert validate_table(warehouse, "marts.seats", about_columns).success
    # each column check's column, and the key that names failing rows; not `notes`, nor the rest
    assert validated == [["application_id", "seats", "plan"]]

    validated.clear()
    result = validate_table(warehouse, "marts.seats", with_the_table)
    # a check of the table's columns sees every column: the unexpected `notes` fails it
    assert validated == [["application_id", "seats", "plan", "unit_price_usd", "cost_usd", "notes"]]
    assert not check(result, "columns").success


def test_mostly_applies_to_the_whole_table_not_to_each_chunk(warehouse) -> None:
    # GIVEN 2 bad rows out of 10, read in chunks of 2 so that one chunk is entirely bad
    warehouse.execute(
        "create table marts.scores as select i, case when i in (4, 5) then -1 else i end as score"
        " from range(10) as r(i) order by i"
    )
    mostly = Suite(
        table="scores",
        checks=(
            Check(
                "score_mostly_non_negative",
                expect("ExpectColumnValuesToBeBetween", column="score", min_value=0, mostly=0.8),
                True,
                "A few negative scores are tolerated.",
            ),
        ),
    )

    result = validate_table(warehouse, "marts.scores", mostly, chunk_rows=2)

    assert result.success
    assert result.checks[0].unexpected_count == 2


def test_a_missing_column_is_a_failed_check_with_a_message(warehouse) -> None:
    create_seats(warehouse)
    warehouse.execute("alter table marts.seats drop column plan")

    result = validate_table(warehouse, "marts.seats", SEATS, chunk_rows=5)

    failed = check(result, "plan_in_set")
    assert not result.success
    assert failed.success is False
    assert 'The column "plan"' in failed.error
    assert "does not exist" in failed.error
    assert [c.name for c in result.failures] == ["plan_in_set"]
    assert "error:" in result.summary()


def test_a_relation_whose_query_fails_is_a_failed_check(warehouse) -> None:
    create_seats(warehouse)
    broken = Suite(
        table="seats",
        checks=(
            Check(
                "broken_relation",
                expect("ExpectColumnValuesToNotBeNull", column="x"),
                True,
                "Tests a failing query.",
                relation="select no_such_column as x from {table}",
            ),
        ),
    )

    result = validate_table(warehouse, "marts.seats", broken)

    assert not result.success
    assert "no_such_column" in result.checks[0].error


def test_an_expectation_that_cannot_be_built_is_a_failed_check(warehouse) -> None:
    create_seats(warehouse)
    typo = Suite(
        table="seats",
        checks=(Check("typo", expect("ExpectColumnValuesToBeNotNull", column="seats"), True, "."),),
    )

    result = validate_table(warehouse, "marts.seats", typo)

    assert not result.success
    assert result.checks[0].expectation_type == "expect_column_values_to_be_not_null"
    assert result.checks[0].error.startswith("could not build the expectation")


def test_an_aggregate_expectation_reads_a_small_relation_in_one_batch(warehouse) -> None:
    # GIVEN a check holding a great-expectations object rather than a factory
    create_seats(warehouse)
    warehouse.execute("update marts.seats set seats = -5 where application_id = 'app_7'")
    no_negative_rows = Suite(
        table="seats",
        checks=(
            Check(
                "no_negative_rows",
                load_gx().expectations.ExpectTableRowCountToEqual(value=0),
                True,
                "Rows with negative seats must not exist.",
                relation="select * from {table} where seats < 0",
            ),
        ),
    )

    result = validate_table(warehouse, "marts.seats", no_negative_rows)

    assert not result.success
    assert result.checks[0].details["observed_value"] == 1
    assert "observed 1" in result.summary()


def test_an_aggregate_expectation_on_a_large_relation_fails_rather_than_load_it(warehouse) -> None:
    create_seats(warehouse, rows=10)
    row_count = Suite(
        table="seats",
        checks=(
            Check("ten_rows", expect("ExpectTableRowCountToEqual", value=10), True, "Ten rows."),
        ),
    )

    small_enough = validate_table(warehouse, "marts.seats", row_count, chunk_rows=10)
    too_large = validate_table(warehouse, "marts.seats", row_count, chunk_rows=9)

    assert small_enough.success
    assert not too_large.success
    assert "check an aggregate relation instead" in too_large.checks[0].error


def test_an_empty_table_passes_row_checks_and_still_reports_missing_columns(warehouse) -> None:
    create_seats(warehouse, rows=0)
    warehouse.execute("alter table marts.seats drop column plan")

    result = validate_table(warehouse, "marts.seats", SEATS)

    assert [c.name for c in result.failures] == ["plan_in_set"]
    assert check(result, "seats_non_negative").element_count == 0


def test_the_result_is_json_serialisable(warehouse) -> None:
    create_seats(warehouse)
    warehouse.execute("update marts.seats set seats = -5 where application_id = 'app_7'")

    stored = json.loads(json.dumps(validate_table(warehouse, "marts.seats", SEATS).to_dict()))

    assert stored["table"] == "marts.seats"
    assert stored["success"] is False
    failed = next(c for c in stored["checks"] if c["name"] == "seats_non_negative")
    assert failed["unexpected_sample"] == [-5]
    assert failed["details"]["kwargs"] == {"column": "seats", "min_value": 0.0}


def test_a_table_that_changes_during_validation_fails_the_suite(warehouse, monkeypatch) -> None:
    create_seats(warehouse)
    fingerprints = iter(["before", "after"])
    monkeypatch.setattr(
        "data_quality.runner.table_fingerprint", lambda con, table: next(fingerprints)
    )

    result = validate_table(warehouse, "marts.seats", SEATS)

    assert not result.success
    assert result.fingerprint == "before"
    assert result.checks[-1].name == "table_unchanged_during_validation"


def test_check_names_must_be_unique_within_a_suite() -> None:
    with pytest.raises(ValueError, match="not unique"):
        Suite(table="seats", checks=(SEATS.checks[0], SEATS.checks[0]))


def test_an_expectations_configuration_is_kept_until_one_of_its_fields_is_set() -> None:
    from data_quality.runner import _memoise_expectation_configurations

    gx = load_gx()
    _memoise_expectation_configurations()  # as the validator does; applying it again is harmless
    seats = gx.expectations.ExpectColumnValuesToBeBetween(column="seats", min_value=0)

    first = seats.configuration
    assert seats.configuration is first  # GX reads it ~80 times per validation: built once
    seats.max_value = 10
    changed = seats.configuration
    assert changed is not first
    assert (changed.kwargs["min_value"], changed.kwargs["max_value"]) == (0, 10)
    copied = seats.copy(update={"min_value": 1})
    assert copied.configuration.kwargs["min_value"] == 1
    assert seats.configuration.kwargs["min_value"] == 0


@pytest.mark.parametrize(
    "keywords",
    [
        {"column": "seats", "batch_id": "abc", "row_condition": None, "condition_parser": None},
        {"column": "seats", "min_value": 0, "max_value": 10.5, "strict_min": False},
        {"column": "seats", "max_value": float("inf"), "mostly": 1.0},
        {"column": "seats", "min_value": float("nan")},  # GX writes NaN as null
        {"column_list": ["a", "b"], "ignore_row_if": "all_values_are_missing"},
        {"column": "seats", "value": np.int64(3)},
        {"column": "seats"},
        {},
    ],
)
def test_a_metric_id_is_the_one_gx_itself_makes(keywords: dict) -> None:
    load_gx()
    from great_expectations.core.id_dict import IDDict

    from data_quality.runner import _hash_plain_metric_keywords_directly

    _hash_plain_metric_keywords_directly()

    assert IDDict(keywords).to_id() == IDDict.to_id.gx_to_id(IDDict(keywords))


def _row_check(name: str, kind: str, **arguments: object) -> Check:
    return Check(name, expect(kind, **arguments), True, "-")


#: Row checks that DuckDB can vouch for (text, boolean and integer columns) and two it cannot (a
#: float column, a row condition), on nulls, a NaN, a quote, values out of their set and at, inside
#: and past their bounds; and key checks on a repeated key, a missing one, and keys each once.
EDGES = Suite(
    table="edges",
    key=("id",),
    checks=(
        _row_check("name_present", "ExpectColumnValuesToNotBeNull", column="name"),
        _row_check("n_present", "ExpectColumnValuesToNotBeNull", column="n"),
        _row_check("flag_present", "ExpectColumnValuesToNotBeNull", column="flag"),
        _row_check("at_present", "ExpectColumnValuesToNotBeNull", column="at"),
        _row_check("day_present", "ExpectColumnValuesToNotBeNull", column="day"),
        _row_check("amount_present", "ExpectColumnValuesToNotBeNull", column="amount"),
        _row_check("f_present", "ExpectColumnValuesToNotBeNull", column="f"),
        _row_check(
            "name_known", "ExpectColumnValuesToBeInSet", column="name", value_set=["a", "o'neil"]
        ),
        _row_check(
            "name_mostly_a",
            "ExpectColumnValuesToBeInSet",
            column="name",
            value_set=["a"],
            mostly=0.3,
        ),
        _row_check("flag_true", "ExpectColumnValuesToBeInSet", column="flag", value_set=[True]),
        _row_check("n_listed", "ExpectColumnValuesToBeInSet", column="n", value_set=[0, 5, 10]),
        _row_check(
            "n_in_range", "ExpectColumnValuesToBeBetween", column="n", min_value=0, max_value=10
        ),
        _row_check(
            "n_strictly_in_range",
            "ExpectColumnValuesToBeBetween",
            column="n",
            min_value=0,
            max_value=10,
            strict_min=True,
            strict_max=True,
        ),
        _row_check("n_from_zero", "ExpectColumnValuesToBeBetween", column="n", min_value=0),
        _row_check(
            "n_to_ten_and_a_half", "ExpectColumnValuesToBeBetween", column="n", max_value=10.5
        ),
        _row_check(
            "f_in_range", "ExpectColumnValuesToBeBetween", column="f", min_value=0, max_value=2
        ),
        _row_check(
            "name_known_where_flagged",
            "ExpectColumnValuesToBeInSet",
            column="name",
            value_set=["a"],
            row_condition="flag==True",
            condition_parser="pandas",
        ),
        _row_check("id_unique", "ExpectColumnValuesToBeUnique", column="id"),
        _row_check("k_unique", "ExpectColumnValuesToBeUnique", column="k"),
        _row_check("id_name_unique", "ExpectCompoundColumnsToBeUnique", column_list=["id", "name"]),
    ),
)


def create_edges(con: duckdb.DuckDBPyConnection, copies: int = 1) -> None:
    """Eleven rows of edge cases, `copies` times over (k stays unique)."""
    con.execute(
        """
        create or replace table marts.edges as
        select
            row_number() over () as k, id, name, flag, n, f,
            timestamp '2026-10-01 00:00:00' + to_hours(n) as at,
            date '2026-10-01' + id as day,
            cast(case when not isnan(f) then f end as decimal(18, 2)) as amount
        from (
            values
                (1, 'a', true, 0, 1.0),
                (2, 'b', false, 10, 'nan'::double),
                (3, 'o''neil', null, -1, null),
                (4, null, true, 11, 2.5),
                (5, 'a', true, null, 0.0),
                (5, 'a', true, 5, 2.0),
                (null, 'z', false, 10, 1.5),
                (8, 'a', true, 1, 1.0),
                (9, 'a ', true, 9, 1.0),
                (10, 'A', true, 10, 1.0),
                (11, 'a', null, 0, 1.0)
        ) as t(id, name, flag, n, f), range(?) as copies(c)
        """,
        [copies],
    )


@pytest.mark.parametrize("copies", [1, 4])
def test_reading_only_the_questioned_rows_finds_what_reading_every_row_finds(
    warehouse, monkeypatch, copies: int
) -> None:
    # GIVEN the edge cases, in chunks of 3 rows (so that every check is on a large relation)
    create_edges(warehouse, copies)

    questioned = validate_table(warehouse, "marts.edges", EDGES, chunk_rows=3)
    monkeypatch.setattr(runner, "certainly_expected", lambda *_: None)
    monkeypatch.setattr(runner._Engine, "_all_keys_once", lambda *_: False)
    every_row = validate_table(warehouse, "marts.edges", EDGES, chunk_rows=3)

    # THEN each check's verdict, counts, samples and rows are those of reading every row, which
    # found a fault in every check but two, and counted every row (the row condition's only)
    assert questioned.checks == every_row.checks
    assert {c.name for c in every_row.checks if c.success} == {"name_mostly_a", "k_unique"}
    counted = {c.name: c.element_count for c in every_row.checks}
    assert counted.pop("name_known_where_flagged") == 7 * copies
    assert set(counted.values()) == {11 * copies}
    assert check(every_row, "n_in_range").unexpected_count == 2 * copies
    assert check(every_row, "id_unique").unexpected_count == (2 if copies == 1 else 40)


def test_each_check_alone_finds_reading_only_its_questioned_rows_what_reading_every_row_finds(
    warehouse, monkeypatch
) -> None:
    # GIVEN the edge cases, each check in a suite of its own: in one suite, a row one check
    # questions reaches GX for all of them, which would hide another check vouching for it wrongly
    create_edges(warehouse)
    alone = [Suite("edges", (c,), EDGES.key) for c in EDGES.checks]

    questioned = [validate_table(warehouse, "marts.edges", suite, chunk_rows=3) for suite in alone]
    monkeypatch.setattr(runner, "certainly_expected", lambda *_: None)
    monkeypatch.setattr(runner._Engine, "_all_keys_once", lambda *_: False)
    every_row = [validate_table(warehouse, "marts.edges", suite, chunk_rows=3) for suite in alone]

    # THEN each check's verdict, counts, samples and rows are those of reading every row
    for by_sql, by_gx in zip(questioned, every_row, strict=True):
        assert by_sql.checks == by_gx.checks


def test_row_checks_hand_great_expectations_only_the_rows_sql_cannot_vouch_for(
    warehouse, monkeypatch
) -> None:
    # GIVEN 1,000 rows that pass every check but one row out of range, in chunks of 100
    warehouse.execute(
        "create table marts.clean as select i as id, 'a' as name, true as flag, i % 10 as n"
        " from range(1000) r(i)"
    )
    warehouse.execute("update marts.clean set n = 99 where id = 500")
    suite = Suite(
        table="clean",
        key=("id",),
        checks=tuple(
            c for c in EDGES.checks if c.name in {"name_present", "flag_true", "n_in_range"}
        ),
    )
    seen: list[int] = []
    validate = runner._Validator.validate
    monkeypatch.setattr(
        runner._Validator,
        "validate",
        lambda self, frame, items, index: (
            seen.append(len(frame)) or validate(self, frame, items, index)
        ),
    )

    result = validate_table(warehouse, "marts.clean", suite, chunk_rows=100)

    # THEN GX saw only the row out of range, and each check still counts all 1,000
    assert sum(seen) == 1
    assert [(c.name, c.success, c.element_count) for c in result.checks] == [
        ("name_present", True, 1000),
        ("flag_true", True, 1000),
        ("n_in_range", False, 1000),
    ]
    assert check(result, "n_in_range").unexpected_rows == [{"n": 99, "id": 500}]
