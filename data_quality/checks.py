"""How a quality check is declared: what is checked, on which relation, and whether it blocks.

Suites are plain data so that declaring them (at import of `data_quality.suites`) never imports
great-expectations; the expectation objects are built by the runner, when a table is validated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from great_expectations.expectations.expectation import Expectation


def load_gx() -> ModuleType:
    """Import great-expectations on first use, with usage analytics off (the host is offline)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations

    return great_expectations


@dataclass(frozen=True)
class Expect:
    """A great-expectations expectation named by class, built only when called.

    `Expect("ExpectColumnValuesToNotBeNull", {"column": "id"})()` is
    `gx.expectations.ExpectColumnValuesToNotBeNull(column="id")`.
    """

    kind: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self) -> Expectation:
        expectations = load_gx().expectations
        return getattr(expectations, self.kind)(**self.kwargs)


def expect(kind: str, **kwargs: Any) -> Expect:
    return Expect(kind, kwargs)


@dataclass(frozen=True)
class Check:
    """One expectation the gate evaluates.

    `relation` is SQL with a `{table}` placeholder, for facts that are not a column of the table
    (its row count, a reconciliation); None checks the table itself. `why` says, in a sentence, why
    a failure blocks publication or only warns: it is shown to whoever reads the failure.
    """

    name: str
    expectation: Expectation | Callable[[], Expectation]
    blocking: bool
    why: str
    relation: str | None = None


@dataclass(frozen=True)
class Suite:
    """The checks of one table. `key` names the columns shown next to each unexpected value."""

    table: str
    checks: tuple[Check, ...]
    key: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [check.name for check in self.checks]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"suite {self.table}: check names are not unique: {duplicates}")
