"""Currencies and amounts: fixed exchange rates keep prices comparable and runs deterministic."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Units of each currency per USD, as used to price the sample company's contracts and expenses.
PER_USD = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79}


def amount(value: float, places: int = 2) -> Decimal:
    """`value` rounded half-up to `places` decimals, as an exact Decimal for Arrow decimals."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def convert(usd: float, currency: str) -> float:
    return usd * PER_USD[currency]
