"""Numbers as finance writes them, the same in the page's text and in the charts' labels."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

#: d3-format specifiers for Vega-Lite: whole dollars with thousands separators, negatives in
#: parentheses (accounting style); a short form ($300k) for colour legends only.
USD_FORMAT = "($,.0f"
USD_SHORT_FORMAT = "$~s"


def missing(value: object) -> bool:
    """None, NaN or pandas' NA: what a null of the warehouse becomes in a frame."""
    return value is None or bool(pd.isna(value))


def usd(amount: float | None) -> str:
    """`$1,234,567`, or `($1,234)` for a negative amount; an en dash when unknown."""
    if missing(amount):
        return "–"
    # Half a dollar rounds away from zero, as finance and the charts' labels (d3-format) do.
    rounded = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"${abs(rounded):,.0f}"
    return f"({text})" if rounded < 0 else text


def pct(value: float | None, digits: int = 1) -> str:
    """`36.0%`; an en dash when unknown (e.g. a share of no spend)."""
    if missing(value):
        return "–"
    return f"{value:.{digits}f}%"


def count(value: float | None) -> str:
    """`1,234`; an en dash when unknown (e.g. no recommendation without usage data)."""
    return "–" if missing(value) else f"{value:,.0f}"


def share(part: float | None, whole: float | None) -> float | None:
    """`part` as a percentage of `whole`, None when there is no whole to share."""
    if missing(part) or missing(whole) or not whole:
        return None
    return part / whole * 100
