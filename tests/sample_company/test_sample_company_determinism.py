"""The sample company is the same company on every machine and every day, seed for seed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from connectors.okta.entities import SSO_EVENTS
from sample_company import SCALES, Company, Scale, generate
from sample_company.files import write_files

TABLES = [
    "okta_users",
    "okta_apps",
    "okta_app_users",
    "contracts",
    "spend",
    "survey_responses",
    "objectives",
    "application_objectives",
    "application_aliases",
    "applications",
    "application_spellings",
]


def _csv_bytes(company: Company, directory: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in write_files(company, directory).items()}


def _last_days(company: Company, days: int) -> pa.Table:
    batches = company.sso_events(company.events_end - timedelta(days=days), company.events_end)
    return pa.Table.from_batches(list(batches), schema=SSO_EVENTS.schema)


@pytest.fixture(scope="module")
def again() -> Company:
    return generate("tiny", seed=42)


@pytest.mark.parametrize("table", TABLES)
def test_the_same_seed_generates_identical_tables(tiny, again, table):
    assert getattr(again, table).equals(getattr(tiny, table))


def test_the_same_seed_writes_byte_identical_csv_files(tiny, again, tmp_path):
    first = _csv_bytes(tiny, tmp_path / "first")
    second = _csv_bytes(again, tmp_path / "second")

    assert first == second


def test_the_same_seed_generates_identical_sign_ins(tiny, again):
    assert _last_days(again, 7).equals(_last_days(tiny, 7))


def test_another_seed_generates_another_company(tiny, tmp_path):
    other = generate("tiny", seed=43)

    assert not other.okta_users.equals(tiny.okta_users)
    assert not other.contracts.equals(tiny.contracts)
    assert _csv_bytes(other, tmp_path / "other") != _csv_bytes(tiny, tmp_path / "tiny")
    assert not _last_days(other, 3).column("uuid").equals(_last_days(tiny, 3).column("uuid"))


def test_the_reference_date_anchors_the_history_not_the_clock():
    company = generate("tiny", seed=42, as_of=date(2025, 3, 31))

    assert company.events_end.date() == date(2025, 4, 1)
    assert max(company.spend.column("invoice_date").to_pylist()) <= date(2025, 3, 31)


def test_scale_presets_grow_from_tiny_to_large():
    sizes = [(SCALES[n].employees, SCALES[n].applications) for n in ("tiny", "S", "M", "L")]

    assert sizes == sorted(sizes)
    assert all(SCALES[n].event_days >= 180 for n in SCALES)


def test_a_custom_scale_is_accepted_and_an_unknown_name_is_refused():
    company = generate(Scale("custom", 80, 45, event_days=30, service_accounts=2), seed=1)

    assert company.okta_users.num_rows == 82
    assert company.applications.num_rows == 45
    with pytest.raises(ValueError, match="unknown scale"):
        generate("XL")
