"""The whole refresh on a small sample company, through the real connectors and the real job.

Figures are recomputed here from the sample company's own truth (its canonical applications,
every spelling it used, the events its Okta, Entra ID and Google tenants emit) and from the raw
files, without the dbt models, so a wrong join, window, exemption or conversion in the pipeline
shows up as a different number. The audit's configuration (vars, currency rates, usage seeds) is
read as the definitions' parameters; nothing the pipeline computed is.
"""

import csv
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml

import sample_company
from pipelines.publish.publication import current, history
from pipelines.refresh import RefreshOutcome, run_refresh
from pipelines.sample import EVENT_HISTORY_DAYS, GRAPH_RETENTION_DAYS, serve_sample_company
from pipelines.settings import DBT_PROJECT_DIR, Paths
from reporting.formatting import usd
from sample_company.google import build_google
from sample_company.graph import graph_tenant
from sample_company.matching import match_key

pytestmark = pytest.mark.e2e

SCALE, SEED = "tiny", 7
SUMMARY = "select * from audit_summary"
COUNTS = (
    "application_count",
    "sanctioned_application_count",
    "shadow_application_count",
    "active_contract_count",
    "seats_purchased",
    "inactive_assigned_seats",
)
AMOUNTS = (
    "total_annual_spend_usd",
    "unaligned_annual_spend_usd",
    "shadow_it_spend_usd",
    "unused_license_cost_usd",
    "unused_license_cost_30d_usd",
    "unused_license_cost_90d_usd",
)


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


def usage_seed(name: str) -> list[dict[str, str]]:
    """A business-owned usage seed: the rules the audit is configured with, not its output."""
    with (DBT_PROJECT_DIR / "seeds" / "usage" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE (case-sensitive, as in DuckDB) as a regular expression."""
    wildcards = {"%": ".*", "_": "."}
    return re.compile("".join(wildcards.get(c, re.escape(c)) for c in pattern), re.DOTALL)


def okta_applications(company: sample_company.Company) -> dict[str, str]:
    """Okta app id -> canonical application, as the truth records it."""
    return {
        row["okta_app_id"]: row["application"]
        for row in company.applications.to_pylist()
        if row["okta_app_id"]
    }


def user_key(okta_user: dict) -> str:
    """One person across identity providers: their lower-case e-mail address."""
    return (okta_user["profile_email"] or okta_user["profile_login"]).lower()


def application_resolver(company: sample_company.Company) -> Callable[[str], str | None]:
    """The application a name from Entra ID, Google or a seed means: by the company's match key
    of its canonical names and aliases; None for a name of no application (Microsoft's own)."""
    keys = {row["application_key"]: row["application"] for row in company.applications.to_pylist()}
    for row in company.application_aliases.to_pylist():
        keys.setdefault(match_key(row["alias"]), row["application"])
    return lambda name: keys.get(match_key(name))


@dataclass(frozen=True)
class Event:
    """A successful event of an identity source that names an application of the company."""

    source: str
    app: str
    user: str
    day: date
    kind: str
    detail: str | None


def identity_events(
    company: sample_company.Company, resolve: Callable[[str], str | None], login_app: str | None
) -> Iterator[Event]:
    """Successful events of Okta, Entra ID and Google the connectors can reach, up to as_of.

    Okta and Google are read from EVENT_HISTORY_DAYS before as_of, Entra only as far back as its
    retention of GRAPH_RETENTION_DAYS; each names the application in its own words.
    """
    as_of = company.as_of
    since = datetime.combine(as_of - timedelta(days=EVENT_HISTORY_DAYS), time())
    graph_since = datetime.combine(as_of - timedelta(days=GRAPH_RETENTION_DAYS - 1), time())
    until = datetime.combine(as_of + timedelta(days=1), time())
    okta_app = okta_applications(company)
    okta_user = {row["id"]: user_key(row) for row in company.okta_users.to_pylist()}
    for batch in company.sso_events(since, until):
        for event in batch.to_pylist():
            if event["outcome_result"] == "SUCCESS":
                yield Event(
                    "okta",
                    okta_app[event["target_app_id"]],
                    okta_user[event["actor_id"]],
                    event["published"].date(),
                    event["event_type"],
                    None,
                )
    for batch in graph_tenant(company).sign_ins(graph_since, until):
        for sign_in in batch.to_pylist():
            app = resolve(sign_in["app_display_name"])
            if app and sign_in["status_error_code"] == 0:
                yield Event(
                    "graph",
                    app,
                    sign_in["user_principal_name"].lower(),
                    sign_in["created_date_time"].date(),
                    "sign_in",
                    sign_in["client_app_used"],
                )
    google = build_google(company)
    for batch in google.token_activities(since, until):
        for token in batch.to_pylist():
            app = resolve(token["app_name"])
            if app and token["actor_email"]:
                yield Event(
                    "google_token",
                    app,
                    token["actor_email"].lower(),
                    token["id_time"].date(),
                    token["event_name"],
                    token["method_name"],
                )
    for batch in google.login_activities(since, until):
        for login in batch.to_pylist():
            if login_app and login["actor_email"]:
                yield Event(
                    "google_login",
                    login_app,
                    login["actor_email"].lower(),
                    login["id_time"].date(),
                    login["event_name"],
                    login["login_type"],
                )


@dataclass(frozen=True)
class Rule:
    """A row of the qualifying_event_rules seed: which events of a source count as use."""

    source: str
    kind: re.Pattern[str]
    detail: re.Pattern[str] | None

    def matches(self, event: Event) -> bool:
        return (
            event.source == self.source
            and self.kind.fullmatch(event.kind) is not None
            # a blank detail pattern matches anything; any other never matches a missing detail
            and (
                self.detail is None
                or (event.detail is not None and self.detail.fullmatch(event.detail) is not None)
            )
        )


def qualifying_rules(resolve: Callable[[str], str | None]) -> dict[str | None, list[Rule]]:
    """The qualifying_event_rules seed by application (None: the default rules)."""
    rules: dict[str | None, list[Rule]] = {}
    for row in usage_seed("qualifying_event_rules"):
        app = resolve(row["application_name"]) if row["application_name"] else None
        if row["application_name"] and app is None:
            continue
        rule = Rule(
            row["source_system"],
            like(row["event_type_pattern"] or "%"),
            like(row["event_detail_pattern"]) if row["event_detail_pattern"] else None,
        )
        rules.setdefault(app, []).append(rule)
    return rules


@dataclass(frozen=True)
class UsageSettings:
    """The audit's usage rules: vars of dbt_project.yml and the business-owned usage seeds."""

    windows: dict[str, int]
    birthright: set[str]
    service_users: set[str]
    service_patterns: list[re.Pattern[str]]
    grace_days: int
    login_app: str | None

    def is_service(self, user: str) -> bool:
        return user in self.service_users or any(p.fullmatch(user) for p in self.service_patterns)


def usage_settings(
    company: sample_company.Company, resolve: Callable[[str], str | None]
) -> UsageSettings:
    variables = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    service_types = set(variables["service_account_user_types"])
    windows = {
        row["application"]: variables["activity_window_days"]
        for row in company.applications.to_pylist()
    }
    overridden: set[str] = set()
    birthright: set[str] = set()
    for row in usage_seed("application_usage_settings"):
        app = resolve(row["application_name"])
        if app is None:
            continue
        if row["activity_window_days"]:
            days = int(row["activity_window_days"])
            windows[app] = min(days, windows[app]) if app in overridden else days
            overridden.add(app)
        if row["is_birthright"].lower() == "true":
            birthright.add(app)
    return UsageSettings(
        windows=windows,
        birthright=birthright,
        service_users={
            user_key(row)
            for row in company.okta_users.to_pylist()
            if row["profile_user_type"] in service_types
        },
        service_patterns=[
            like(row["user_key_pattern"]) for row in usage_seed("service_account_patterns")
        ],
        grace_days=variables["new_seat_grace_days"],
        login_app=resolve(variables["google_login_application_name"]),
    )


def assigned_seats(
    company: sample_company.Company, settings: UsageSettings
) -> dict[str, list[tuple[str, bool]]]:
    """Per application, each Okta seat's holder and whether the seat is exempt.

    A seat is an ACTIVE or PROVISIONED assignment of a user not DEPROVISIONED, provisioned with
    the user's first assignment to any Okta app of the application.
    """
    okta_app = okta_applications(company)
    people = {row["id"]: row for row in company.okta_users.to_pylist()}
    provisioned: dict[tuple[str, str], datetime] = {}
    for assignment in company.okta_app_users.to_pylist():
        person = people[assignment["user_id"]]
        holds = assignment["status"] in ("ACTIVE", "PROVISIONED")
        if holds and person["status"] != "DEPROVISIONED":
            key = (okta_app[assignment["app_id"]], assignment["user_id"])
            created = assignment["created"] or person["created"]
            provisioned[key] = min(created, provisioned.get(key, created))
    grace_start = company.as_of - timedelta(days=settings.grace_days)
    seats: dict[str, list[tuple[str, bool]]] = {}
    for (app, user_id), created in provisioned.items():
        user = user_key(people[user_id])
        exempt = (
            settings.is_service(user) or app in settings.birthright or created.date() > grace_start
        )
        seats.setdefault(app, []).append((user, exempt))
    return seats


def usage_figures(
    company: sample_company.Company,
    seats_purchased: dict[str, int],
    license_cost: dict[str, Decimal],
) -> dict[str, float]:
    """The license position as license_utilization documents it, from the company's truth.

    An active user is a person (not a service account) with a qualifying event in the window;
    a seat is exempt when its holder is a service account, its application is birthright or it
    was provisioned within new_seat_grace_days; exempt seats not held by an active user count as
    used: unused seats = max(P - active - exempt, 0), priced at the contracts' cost per seat.
    """
    as_of = company.as_of
    resolve = application_resolver(company)
    settings = usage_settings(company, resolve)
    rules = qualifying_rules(resolve)
    last_active: dict[tuple[str, str], date] = {}
    for event in identity_events(company, resolve, settings.login_app):
        if any(rule.matches(event) for rule in rules.get(event.app, rules[None])):
            key = (event.app, event.user)
            last_active[key] = max(event.day, last_active.get(key, event.day))
    users_of: dict[str, set[str]] = {}
    for app, user in last_active:
        users_of.setdefault(app, set()).add(user)
    seats = assigned_seats(company, settings)

    def active(app: str, user: str, days: int) -> bool:
        day = last_active.get((app, user))
        return (
            not settings.is_service(user) and day is not None and day > as_of - timedelta(days=days)
        )

    def unused_cost(days_of: Callable[[str], int]) -> Decimal:
        total = Decimal(0)
        for app, purchased in seats_purchased.items():
            if purchased <= 0:
                continue
            days = days_of(app)
            people_active = sum(active(app, user, days) for user in users_of.get(app, ()))
            exempt_idle = sum(
                exempt and not active(app, user, days) for user, exempt in seats.get(app, ())
            )
            unused = max(purchased - people_active - exempt_idle, 0)
            total += unused * license_cost[app] / purchased
        return total

    return {
        "unused_license_cost_usd": float(unused_cost(settings.windows.__getitem__)),
        "unused_license_cost_30d_usd": float(unused_cost(lambda app: 30)),
        "unused_license_cost_90d_usd": float(unused_cost(lambda app: 90)),
        "inactive_assigned_seats": sum(
            not exempt and not active(app, user, settings.windows[app])
            for app, held in seats.items()
            for user, exempt in held
        ),
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
    active_contracts = 0
    for contract in company.contracts.to_pylist():
        if not contract["start_date"] <= as_of <= contract["end_date"]:
            continue
        active_contracts += 1
        app = spelling[("contracts.product", contract["product"])]
        periods = 12 if contract["billing_period"] == "monthly" else 1
        annual = contract["seats"] * contract["unit_price"] * periods
        cost[app] = cost.get(app, Decimal(0)) + annual * rate(contract["currency"], as_of)
        seats[app] = seats.get(app, 0) + contract["seats"]
    license_cost = dict(cost)

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
    sanctioned = {
        row["application"] for row in company.applications.to_pylist() if row["is_sanctioned"]
    }

    total = sum(cost.values())
    unaligned = sum(amount for app, amount in cost.items() if app not in aligned)
    return {
        "application_count": company.applications.num_rows,
        "sanctioned_application_count": len(sanctioned),
        "shadow_application_count": company.applications.num_rows - len(sanctioned),
        "active_contract_count": active_contracts,
        "seats_purchased": sum(seats.values()),
        "total_annual_spend_usd": float(total),
        "unaligned_annual_spend_usd": float(unaligned),
        "aligned_spend_pct": float((total - unaligned) * 100 / total),
        "shadow_it_spend_usd": float(
            sum(amount for app, amount in cost.items() if app not in sanctioned)
        ),
        **usage_figures(company, seats, license_cost),
    }


def test_a_refresh_publishes_figures_that_match_an_independent_computation(
    refreshes: Refreshes,
) -> None:
    assert refreshes.first.outcome.published, refreshes.first.outcome.failures
    expected = expected_figures(refreshes.company)
    summary = refreshes.first.summary
    assert summary is not None

    for count in COUNTS:
        assert summary[count] == expected[count], count
    # Marts round each application's figure to the cent: allow a cent per application.
    cents = 0.01 * expected["application_count"]
    for amount in AMOUNTS:
        assert float(summary[amount]) == pytest.approx(expected[amount], abs=cents), amount
    assert float(summary["aligned_spend_pct"]) == pytest.approx(
        expected["aligned_spend_pct"], abs=0.01
    )


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


def test_the_publication_is_the_candidate_the_gate_audited(refreshes: Refreshes) -> None:
    manifest = current(refreshes.paths).manifest
    verdict = manifest["checks"]

    assert manifest["run_id"] == refreshes.second.outcome.run_id
    assert verdict["database_sha256"] == manifest["database_sha256"]
    assert verdict["dbt_tests"]["passed"] > 200
    assert verdict["dbt_tests"]["not_passed"] == []
    assert manifest["inputs"]["raw.files__contracts"]["rows"] > 0
    assert {name.split(".")[0] for name in manifest["inputs"]} == {"raw"}
    for table, entry in manifest["tables"].items():
        audited = verdict["tables"][table]
        assert audited["success"], table
        assert audited["fingerprint"] == entry["fingerprint"], table
        assert audited["rows"] == entry["rows"], table


def test_the_second_gate_tests_the_event_logs_from_where_the_first_left_them(
    refreshes: Refreshes,
) -> None:
    manifests = {p.publication_id: p.manifest for p in history(refreshes.paths)}
    first = manifests[refreshes.first.publication_id]["checks"]["dbt_tests"]
    second = manifests[refreshes.second.publication_id]["checks"]["dbt_tests"]

    # the first gate had no publication before it: every row
    assert first["rows_loaded_since"] is None
    assert second["rows_loaded_since"] == first["rows_loaded_through"]
    assert first["rows_loaded_through"] < second["rows_loaded_through"]


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
    # The raw gate refuses the delivery before it reaches raw, so no mart is built from it.
    failures = "\n".join(corrupted.outcome.failures)
    assert "raw.files__contracts: 1 blocking check(s) failed; seats_non_negative" in failures
    assert "1 of " in failures


def test_the_corrupt_delivery_is_quarantined_and_raw_keeps_the_last_good_contracts(
    refreshes: Refreshes,
) -> None:
    with duckdb.connect(str(refreshes.paths.warehouse), read_only=True) as con:
        negative = con.execute(
            "select count(*) from raw.files__contracts where seats < 0"
        ).fetchone()
        quarantined = con.execute(
            "select run_id, check_name, record ->> 'seats' from quarantine.rows"
        ).fetchall()

    assert negative == (0,)
    assert quarantined == [(refreshes.corrupted.outcome.run_id, "seats_non_negative", "-5")]
    kept = refreshes.paths.quarantine / "files" / "contracts"
    assert [p.stem for p in kept.glob("*.parquet")] == [refreshes.corrupted.outcome.run_id]


def test_the_validation_report_keeps_the_history_of_the_runs_that_reached_the_gate(
    refreshes: Refreshes,
) -> None:
    latest = refreshes.paths.validation_reports / "latest.html"
    page = latest.read_text(encoding="utf-8")

    assert refreshes.second.outcome.run_id in page
    assert (refreshes.paths.validation_reports / f"{refreshes.first.outcome.run_id}.html").exists()
    assert "The last 2 runs" in page


def test_the_publication_readers_get_carries_its_audit_report_with_every_chart(
    refreshes: Refreshes,
) -> None:
    publication = current(refreshes.paths)
    page = (publication.directory / "report.html").read_text(encoding="utf-8")

    # The failed third run published nothing, so the latest report is still the second's.
    assert publication.publication_id == refreshes.second.publication_id
    assert (refreshes.paths.audit_reports / "latest.html").read_text(encoding="utf-8") == page
    assert publication.publication_id in page
    charts = re.findall(
        r'<script type="application/json" id="(chart-[a-z-]+)">(.*?)</script>', page
    )
    assert [chart_id for chart_id, _ in charts] == [
        "chart-portfolio-matrix",
        "chart-spend-by-objective",
        "chart-license-utilization",
        "chart-roi-ranking",
        "chart-renewals",
        "chart-trend",
    ]
    for chart_id, spec in charts:
        assert any(json.loads(spec)["datasets"].values()), chart_id
    assert page.count("<svg") == len(charts)
    assert f'<td class="num">{usd(refreshes.second.summary["total_annual_spend_usd"])}</td>' in page


def test_the_publication_holds_no_end_user_email_only_application_owners(
    refreshes: Refreshes,
) -> None:
    # Usage is published aggregated: the only addresses readers may see are the business
    # owners named on contracts (business contacts), wherever a published column carries them.
    owners = {
        row["owner_email"].lower()
        for row in refreshes.company.contracts.to_pylist()
        if row["owner_email"]
    }
    published: dict[str, set[str]] = {}
    with duckdb.connect(str(refreshes.paths.published), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'main' and data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in columns:
            values = con.execute(
                f'select distinct lower("{column}") from "{table}" where "{column}" like \'%@%\''
            ).fetchall()
            if values:
                published[f"{table}.{column}"] = {value for (value,) in values}

    assert published, "the owners should be published"
    assert {column: emails - owners for column, emails in published.items()} == {
        column: set() for column in published
    }
