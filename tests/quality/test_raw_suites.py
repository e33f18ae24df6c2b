"""The raw suites: one per entity a source lands, each check an expectation GX can build."""

from __future__ import annotations

from connectors.registry import SOURCE_ENTITIES
from data_quality.checks import load_gx
from data_quality.suites import SUITES
from data_quality.suites.raw import EXTRA_CHECKS, RAW_SUITES


def test_every_entity_a_source_lands_has_a_raw_suite() -> None:
    landed = {
        f"{source}__{e.name}" for source, entities in SOURCE_ENTITIES.items() for e in entities
    }

    assert set(RAW_SUITES) == landed
    assert set(EXTRA_CHECKS) <= landed
    # The published marts' list is not touched by the raw layer.
    assert not set(RAW_SUITES) & set(SUITES)


def test_every_raw_check_builds_a_great_expectations_expectation() -> None:
    expectation_class = load_gx().expectations.Expectation

    for table, suite in RAW_SUITES.items():
        for check in suite.checks:
            assert isinstance(check.expectation(), expectation_class), (table, check.name)
            assert check.why.endswith("."), (table, check.name)


def test_every_raw_check_names_a_column_its_entity_lands() -> None:
    # Regression guard: a typo in a column name would make a check fail on every delivery.
    entities = {f"{s}__{e.name}": e for s, entities in SOURCE_ENTITIES.items() for e in entities}
    for table, checks in EXTRA_CHECKS.items():
        columns = set(entities[table].schema.names)
        for check in checks:
            column = check.expectation.kwargs["column"]
            assert column in columns or check.relation, (table, check.name)
