"""The whole refresh on a small sample company, through the real connectors and the real job.

Figures are recomputed here from the sample company's own truth (its canonical applications and
every spelling it used) and from the raw files, without the dbt models, so a wrong join, window or
conversion in the pipeline shows up as a different number.
"""

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

import sample_company
from pipelines.publish.publication import current
from pipelines.refresh import RefreshOutcome, run_refresh
from pipelines.sample import serve_sample_company
from pipelines.settings import DBT_PROJECT_DIR, Paths

pytestmark = pytest.mark.e2e

SCALE, SEED = "tiny", 7
SUMMARY = "select * from audit_summary"


@dataclass(frozen=True)
class Refresh:
    outcome: RefreshOutcome
    publication_id: str | None
    summary: dict | None


@dataclass(frozen=True)
class Refreshes:
    paths: Paths
    company: sample_company.Company
    first: Refresh
    second: Refresh
    corrupted: Refresh
    corrupted_application: str


def read_summary(paths: Paths) -> dict | None:
    if not paths.published.exists():
        return None
    with duckdb.connect(str(paths.published), read_only=True) as con:
        return con.execute(SUMMARY).fetch_df().iloc[0].to_dict()


def refresh(paths: Paths, instance: dg.DagsterInstance) -> Refresh:
    outcome = run_refresh(instance, log_dir=paths.data_dir / "logs")
    publication = current(paths)
    return Refresh(outcome, publication and publication.publication_id, read_summary(paths))


def corrupt_one_contract(company: sample_company.Company, contracts_csv: Path) -> str:
    """Give a negative seat count to the only active contract of one application."""
    contracts = company.contracts.to_pandas()
    as_of = pd.Timestamp(company.as_of)
    active = contracts[
        (pd.to_datetime(contracts.start_date) <= as_of)
        & (pd.to_datetime(contracts.end_date) >= as_of)
    ]
    single = (
        active.groupby("product").filter(lambda rows: len(rows) == 1).sort_values("contract_id")
    )
    target = single.iloc[0]
    with contracts_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["contract_id"] == target.contract_id:
            row["seats"] = "-5"
    with contracts_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(target["product"])


@pytest.fixture(scope="module")
def refreshes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refreshes]:
    paths = Paths(tmp_path_factory.mktemp("e2e") / "data")
    with pytest.MonkeyPatch.context() as env, dg.instance_for_test() as instance:
        env.setenv("AUDIT_DATA_DIR", str(paths.data_dir))
        with serve_sample_company(paths.sample, scale=SCALE, seed=SEED) as sample:
            env.setenv("AUDIT_SOURCES_CONFIG", str(sample.sources_config))
            env.setenv("AUDIT_AS_OF_DATE", sample.as_of.isoformat())
            first = refresh(paths, instance)
            second = refresh(paths, instance)
            company = sample_company.generate(SCALE, seed=SEED)
            corrupted_application = corrupt_one_contract(
                company, paths.sample / "files" / "contracts.csv"
            )
            corrupted = refresh(paths, instance)
        yield Refreshes(paths, company, first, second, corrupted, corrupted_application)
    os.environ.pop("SAMPLE_OKTA_API_TOKEN", None)


def usd_rates() -> dict[tuple[date, str], Decimal]:
    with (DBT_PROJECT_DIR / "seeds" / "currency_rates.csv").open(encoding="utf-8") as handle:
        return {
            (date.fromisoformat(row["rate_month"]), row["currency"]): Decimal(row["usd_per_unit"])
            for row in csv.DictReader(handle)
        }


def expected_figures(company: sample_company.Company) -> dict[str, float]:
    """The headline figures, from the company's truth and files, independently of dbt."""
    as_of = company.as_of
    rates = usd_rates()
    rate = lambda currency, day: rates[(day.replace(day=1), currency)]  # noqa: E731
    spelling = {
        (row["source"], row["spelling"]): row["application"]
        for row in company.application_spellings.to_pylist()
    }

    cost: dict[str, Decimal] = {}
    seats: dict[str, int] = {}
    for contract in company.contracts.to_pylist():
        if not contract["start_date"] <= as_of <= contract["end_date"]:
            continue
        app = spelling[("contracts.product", contract["product"])]
        periods = 12 if contract["billing_period"] == "monthly" else 1
        annual = contract["seats"] * contract["unit_price"] * periods
        cost[app] = cost.get(app, Decimal(0)) + annual * rate(contract["currency"], as_of)
        seats[app] = seats.get(app, 0) + contract["seats"]

    spend: dict[str, Decimal] = {}
    for line in company.spend.to_pylist():
        if not as_of - timedelta(days=365) < line["invoice_date"] <= as_of:
            continue
        if line["product"]:
            app = spelling[("spend.product", line["product"])]
        else:
            app = spelling[("spend.vendor", line["vendor"])]
        amount = line["amount"] * rate(line["currency"], line["invoice_date"])
        spend[app] = spend.get(app, Decimal(0)) + amount
    for app, amount in spend.items():
        cost.setdefault(app, amount)

    aligned = {
        spelling[("application_objectives.application", row["application"])]
        for row in company.application_objectives.to_pylist()
    }

    app_of_okta_app = {
        row["okta_app_id"]: row["application"]
        for row in company.applications.to_pylist()
        if row["okta_app_id"]
    }
    window_start = as_of - timedelta(days=60)
    active: dict[str, set[str]] = {}
    for batch in company.sso_events():
        for event in batch.to_pylist():
            day = event["published"].date()
            if event["outcome_result"] == "SUCCESS" and window_start < day <= as_of:
                app = app_of_okta_app[event["target_app_id"]]
                active.setdefault(app, set()).add(event["actor_id"])
    unused_cost = sum(
        max(purchased - len(active.get(app, ())), 0) * cost[app] / purchased
        for app, purchased in seats.items()
        if purchased > 0
    )

    total = sum(cost.values())
    return {
        "application_count": company.applications.num_rows,
        "total_annual_spend_usd": float(total),
        "unaligned_annual_spend_usd": float(
            sum(amount for app, amount in cost.items() if app not in aligned)
        ),
        "unused_license_cost_usd": float(unused_cost),
    }


def test_a_refresh_publishes_figures_that_match_an_independent_computation(
    refreshes: Refreshes,
) -> None:
    assert refreshes.first.outcome.published, refreshes.first.outcome.failures
    expected = expected_figures(refreshes.company)
    summary = refreshes.first.summary
    assert summary is not None

    assert summary["application_count"] == expected["application_count"]
    # Marts round each application's figure to the cent: allow a cent per application.
    cents = 0.01 * expected["application_count"]
    for figure in (
        "total_annual_spend_usd",
        "unaligned_annual_spend_usd",
        "unused_license_cost_usd",
    ):
        assert float(summary[figure]) == pytest.approx(expected[figure], abs=cents), figure


def test_every_published_table_comes_from_the_same_run(refreshes: Refreshes) -> None:
    with duckdb.connect(str(refreshes.paths.published), read_only=True) as con:
        (run_id,) = con.execute("select run_id from publication").fetchone()
        tables = {
            name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }

    assert run_id == refreshes.second.outcome.run_id
    assert {
        "applications",
        "license_utilization",
        "application_objectives",
        "application_roi",
    } <= tables


def test_a_second_refresh_gives_the_same_figures(refreshes: Refreshes) -> None:
    assert refreshes.second.outcome.published, refreshes.second.outcome.failures
    assert refreshes.second.publication_id != refreshes.first.publication_id
    assert refreshes.second.summary == refreshes.first.summary


def test_a_corrupt_input_fails_the_gate_and_keeps_the_last_publication(
    refreshes: Refreshes,
) -> None:
    corrupted = refreshes.corrupted

    assert not corrupted.outcome.published
    assert corrupted.publication_id == refreshes.second.publication_id
    assert corrupted.summary == refreshes.second.summary
    failures = "\n".join(corrupted.outcome.failures)
    assert "license_utilization" in failures
    assert "seats_purchased" in failures


def test_the_validation_report_of_the_failed_run_shows_the_failing_check_and_its_history(
    refreshes: Refreshes,
) -> None:
    latest = refreshes.paths.validation_reports / "latest.html"
    page = latest.read_text(encoding="utf-8")

    assert refreshes.corrupted.outcome.run_id in page
    assert 'license_utilization: <span class="fail">FAILED: not published</span>' in page
    assert "seats_purchased_non_negative" in page
    assert (refreshes.paths.validation_reports / f"{refreshes.first.outcome.run_id}.html").exists()
    assert "The last 3 runs" in page
