"""Building blocks shared by the suites: the usual checks, and the reasons they block or warn."""

from __future__ import annotations

from data_quality.checks import Check, Suite, expect

__all__ = ["Check", "Suite", "expect"]

# Differences this small come from rounding each figure to cents before summing.
CENT = 0.01
# Weights are read as floats; this absorbs the float error of summing exact 4-decimal weights.
WEIGHT_TOLERANCE = 0.0001

REQUIRED = "Without it the row cannot be shown or joined, so readers would silently lose it."
FLAG = "A null flag is neither true nor false, so counts by that flag would not add up."
NEGATIVE_MONEY = "A negative cost or value is impossible and would flow into every total and ROI."
NEGATIVE_COUNT = "A negative seat or user count is impossible, typically a corrupt source file."
ENUM = "Reports group by this value, so any other value would drop out of every breakdown."


def not_null(column: str, why: str = REQUIRED) -> Check:
    return Check(
        f"{column}_not_null", expect("ExpectColumnValuesToNotBeNull", column=column), True, why
    )


def unique(*columns: str, why: str) -> Check:
    if len(columns) == 1:
        expectation = expect("ExpectColumnValuesToBeUnique", column=columns[0])
    else:
        expectation = expect("ExpectCompoundColumnsToBeUnique", column_list=list(columns))
    return Check(f"{'_'.join(columns)}_unique", expectation, True, why)


def non_negative(column: str, why: str) -> Check:
    return Check(
        f"{column}_non_negative",
        expect("ExpectColumnValuesToBeBetween", column=column, min_value=0),
        True,
        why,
    )


def in_set(column: str, values: list[str], why: str = ENUM) -> tuple[Check, ...]:
    in_set = expect("ExpectColumnValuesToBeInSet", column=column, value_set=values)
    return (not_null(column, why), Check(f"{column}_in_set", in_set, True, why))


def ceiling(column: str, maximum: float, why: str) -> Check:
    return Check(
        f"{column}_plausible",
        expect("ExpectColumnValuesToBeBetween", column=column, max_value=maximum),
        False,
        why,
    )


def at_least(name: str, column_a: str, column_b: str, why: str) -> Check:
    """column_a >= column_b on every row (rows where either is null are not compared)."""
    expectation = expect(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )
    return Check(name, expectation, True, why)


def application_key(why: str) -> tuple[Check, ...]:
    return (not_null("application_id"), unique("application_id", why=why))
