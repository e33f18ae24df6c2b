"""The audit report: each publication carries a static page whose charts show its own figures.

The marts are small hand-written tables created from the dbt contracts (the YAML beside each mart),
so the report is tested against exactly the columns a refresh publishes, without running dbt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from data_quality.fingerprint import table_fingerprint
from pipelines.publish.publication import Publication, current, publish, rollback
from pipelines.publish.report import (
    REPORT,
    offer_latest_report,
    warm_up_report_renderer,
    write_candidate_report,
)
from pipelines.settings import DBT_PROJECT_DIR, Paths

AS_OF = date(2026, 10, 31)
CHART_IDS = (
    "chart-portfolio-matrix",
    "chart-spend-by-objective",
    "chart-license-utilization",
    "chart-roi-ranking",
    "chart-renewals",
    "chart-trend",
)
OWNER_EMAIL = "renewal-owner@example.com"

QUADRANT_COSTS = {
    ("CFO", "top_line_run"): 0,
    ("CFO", "top_line_grow"): 0,
    ("CFO", "bottom_line_run"): 1200.50,
    ("CFO", "bottom_line_grow"): 300.25,
    ("CMO", "top_line_run"): 5000.00,
    ("CMO", "top_line_grow"): 2500.75,
    ("CMO", "bottom_line_run"): 0,
    ("CMO", "bottom_line_grow"): 0,
}

MARTS: dict[str, list[dict[str, Any]]] = {
    "portfolio_matrix": [
        {
            "owner_title": owner,
            "quadrant": quadrant,
            "quadrant_name": quadrant.replace("_", " "),
            "value_type": quadrant.rsplit("_", 1)[0],
            "business_mode": quadrant.rsplit("_", 1)[1],
            "objective_count": 1 if cost else 0,
            "application_count": 1 if cost else 0,
            "objective_annual_value_usd": cost * 10,
            "attributed_annual_value_usd": cost * 5,
            "allocated_annual_cost_usd": cost,
            "spend_share_pct": round(cost / 9701.50 * 100, 2),
        }
        for (owner, quadrant), cost in QUADRANT_COSTS.items()
    ]
    + [
        {
            "quadrant": "unaligned",
            "quadrant_name": "Serves no objective",
            "objective_count": 0,
            "application_count": 1,
            "objective_annual_value_usd": 0,
            "attributed_annual_value_usd": 0,
            "allocated_annual_cost_usd": 700.00,
            "spend_share_pct": 7.22,
        }
    ],
    "executive_alignment": [
        {
            "owner_title": owner,
            "objective_count": objectives,
            "objective_annual_value_usd": cost * 10,
            "attributed_annual_value_usd": cost * 5,
            "aligned_annual_cost_usd": cost,
            "aligned_spend_pct": round(cost / 9701.50 * 100, 2),
            "company_annual_spend_usd": 9701.50,
            "company_aligned_annual_spend_usd": 9001.50,
            "company_aligned_spend_pct": 92.78,
        }
        for owner, objectives, cost in [("CMO", 1, 7500.75), ("CFO", 2, 1500.75)]
    ],
    "objective_roi": [
        {
            "objective_id": objective_id,
            "objective_name": name,
            "owner_title": owner,
            "application_count": 1,
            "annual_value_usd": cost * 10,
            "attributed_annual_value_usd": cost * 5,
            "allocated_annual_cost_usd": cost,
        }
        for objective_id, name, owner, cost in [
            ("OBJ-001", "Grow the EMEA pipeline", "CMO", 7500.75),
            ("OBJ-002", "Close the books in five days", "CFO", 1200.50),
            ("OBJ-003", "Cut accounts payable cost", "CFO", 300.25),
        ]
    ],
    "audit_summary": [
        {
            "as_of_date": AS_OF,
            "application_count": 4,
            "sanctioned_application_count": 3,
            "shadow_application_count": 1,
            "total_annual_spend_usd": 9701.50,
            "aligned_annual_spend_usd": 9001.50,
            "unaligned_annual_spend_usd": 700.00,
            "aligned_spend_pct": 92.78,
            "unused_license_cost_usd": 2600.00,
            "right_size_annual_saving_usd": 1360.00,
            "consolidation_annual_saving_usd": 0,
            "renewal_due_count": 1,
            "renewal_overdue_count": 1,
            "eliminate_application_count": 1,
        }
    ],
    "license_utilization": [
        {
            "application_id": f"app_{name.lower()}",
            "application_name": name,
            "as_of_date": AS_OF,
            "seats_purchased": seats,
            "active_users": active,
            "unused_seats": seats - active,
            "utilization_pct": active / seats * 100,
            "annual_license_cost_usd": seats * price,
            "unused_license_cost_usd": (seats - active) * price,
        }
        for name, seats, active, price in [
            ("Zoom", 50, 40, 100),
            ("Slack", 100, 60, 40),
            ("Figma", 10, 10, 50),
        ]
    ],
    "application_roi": [
        {
            "application_id": f"app_{name.lower()}",
            "application_name": name,
            "annual_cost_usd": cost,
            "roi_ratio": roi,
            "roi_low_ratio": None if roi is None else roi - 0.5,
            "roi_high_ratio": None if roi is None else roi + 0.5,
            "confidence_grade": grade,
        }
        for name, cost, roi, grade in [
            ("Slack", 4000, 2.5, "A"),
            ("Zoom", 5000, -0.5, "B"),
            ("Figma", 500, 0.25, "C"),
            ("Shadowy", 0, None, "D"),
        ]
    ],
    "renewals": [
        {
            "contract_id": "CTR-1",
            "application_id": "app_slack",
            "application_name": "Slack",
            "owner_email": OWNER_EMAIL,
            "renewal_state": "overdue",
            "end_date": date(2026, 11, 30),
            "notice_deadline_date": date(2026, 10, 1),
            "notice_deadline_remaining_days": -30,
            "seats": 100,
            "recommended_seats": 66,
            "annual_cost_usd": 4000,
            "right_size_annual_saving_usd": 1360,
        },
        {
            "contract_id": "CTR-2",
            "application_id": "app_zoom",
            "application_name": "Zoom",
            "owner_email": OWNER_EMAIL,
            "renewal_state": "renewal_due",
            "end_date": date(2027, 1, 31),
            "notice_deadline_date": date(2026, 12, 1),
            "notice_deadline_remaining_days": 31,
            "seats": 50,
            "annual_cost_usd": 5000,
            "right_size_annual_saving_usd": 0,
        },
    ],
    "audit_trend": [
        {
            "as_of_date": day,
            "total_annual_spend_usd": total,
            "unaligned_annual_spend_usd": unaligned,
            "unused_license_cost_usd": unused,
        }
        for day, total, unaligned, unused in [
            (date(2026, 9, 30), 9000.00, 800.00, 3000.00),
            (AS_OF, 9701.50, 700.00, 2600.00),
        ]
    ],
}


def contracts() -> dict[str, dict[str, str]]:
    """Each mart's columns and types, as its dbt contract declares them."""
    columns = {}
    for path in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            columns[model["name"]] = {c["name"]: c["data_type"] for c in model["columns"]}
    return columns


def create_marts(con: duckdb.DuckDBPyConnection, marts: Mapping[str, Sequence[Mapping]]) -> None:
    declared = contracts()
    con.execute("create schema if not exists marts")
    for table, rows in marts.items():
        columns = declared[table]
        unknown = {name for row in rows for name in row} - set(columns)
        assert not unknown, f"{table} has no columns {unknown}: the fixture drifted from the model"
        names = list(columns)
        body = ", ".join(f"{name} {data_type}" for name, data_type in columns.items())
        con.execute(f"create or replace table marts.{table} ({body})")
        placeholders = ", ".join("?" for _ in names)
        con.executemany(
            f"insert into marts.{table} values ({placeholders})",
            [[row.get(name) for name in names] for row in rows],
        )


def publish_marts(
    con: duckdb.DuckDBPyConnection, paths: Paths, run_id: str, tables: Sequence[str]
) -> Publication:
    audited = {table: table_fingerprint(con, f"marts.{table}") for table in tables}
    return publish(
        con,
        tables,
        audited,
        paths,
        run_id=run_id,
        as_of=AS_OF,
        keep=5,
        extras=write_candidate_report,
    )


@dataclass(frozen=True)
class Published:
    paths: Paths
    publication: Publication
    page: str

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        with duckdb.connect(str(self.paths.published), read_only=True) as reader:
            return reader.execute(sql, list(parameters)).fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    paths = Paths(tmp_path_factory.mktemp("data"))
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        create_marts(con, MARTS)
        publication = publish_marts(con, paths, "run-aaaaaaaa", list(MARTS))
    page = (publication.directory / REPORT).read_text(encoding="utf-8")
    return Published(paths, publication, page)


def section(page: str, chart_id: str) -> str:
    found = re.search(rf'<section id="section-{chart_id}">(.*?)</section>', page, re.DOTALL)
    assert found, f"no section for {chart_id}"
    return found.group(1)


def chart_rows(page: str, chart_id: str) -> list[dict[str, Any]]:
    """Every data row the chart's embedded Vega-Lite spec holds, whatever dataset it is in."""
    found = re.search(
        rf'<script type="application/json" id="{chart_id}">(.*?)</script>', page, re.DOTALL
    )
    assert found, f"no embedded spec for {chart_id}"
    spec = json.loads(found.group(1))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_each_chart_is_drawn_as_svg_and_embeds_its_data(published: Published, chart_id) -> None:
    drawing = section(published.page, chart_id)

    assert re.search(r"<svg\b.*</svg>", drawing, re.DOTALL)
    assert "<figcaption>" in drawing
    assert chart_rows(published.page, chart_id)


def test_the_matrix_shows_each_executives_four_budgets_as_published(published: Published) -> None:
    rows = chart_rows(published.page, "chart-portfolio-matrix")

    for owner in ("CFO", "CMO"):
        shown = {
            row["quadrant"]: row["allocated_annual_cost_usd"]
            for row in rows
            if row.get("owner_title") == owner
        }
        table = published.query(
            "select quadrant, allocated_annual_cost_usd::double from portfolio_matrix"
            " where owner_title = ?",
            [owner],
        )
        assert shown == dict(table)
        assert len(shown) == 4
    assert "unaligned" not in {row.get("quadrant") for row in rows}
    # The drawing labels the cells with the same amounts, rounded as finance rounds.
    assert "$1,201" in section(published.page, "chart-portfolio-matrix")


def test_spend_by_objective_shows_every_objective_and_the_unaligned_spend(
    published: Published,
) -> None:
    rows = chart_rows(published.page, "chart-spend-by-objective")

    shown = {row["objective_id"]: row["annual_cost_usd"] for row in rows}
    objectives = published.query(
        "select objective_id, allocated_annual_cost_usd::double from objective_roi"
    )
    (unaligned,) = published.query("select unaligned_annual_spend_usd::double from audit_summary")
    assert shown == {**dict(objectives), None: unaligned[0]}
    assert "$700 of the $9,702 spent a year (7.2%) serves no objective" in published.page


def test_utilization_shows_the_applications_with_unused_cost_largest_first(
    published: Published,
) -> None:
    rows = chart_rows(published.page, "chart-license-utilization")

    shown = [
        (row["application_name"], row["unused_license_cost_usd"], row["utilization_pct"])
        for row in rows
        if "application_name" in row
    ]
    assert shown == published.query(
        "select application_name, unused_license_cost_usd::double, utilization_pct::double"
        " from license_utilization where unused_license_cost_usd > 0"
        " order by unused_license_cost_usd desc"
    )
    assert [name for name, *_ in shown] == ["Slack", "Zoom"]


def test_roi_ranking_ranks_the_applications_with_a_cost(published: Published) -> None:
    rows = chart_rows(published.page, "chart-roi-ranking")

    shown = [(row["application_name"], row["roi_ratio"]) for row in rows]
    assert shown == [("Slack", 2.5), ("Figma", 0.25), ("Zoom", -0.5)]


def test_renewals_show_each_contract_from_notice_deadline_to_end(published: Published) -> None:
    rows = chart_rows(published.page, "chart-renewals")

    shown = [
        (row["contract_id"], row["notice_deadline_date"], row["end_date"])
        for row in rows
        if "contract_id" in row
    ]
    assert shown == [("CTR-1", "2026-10-01", "2026-11-30"), ("CTR-2", "2026-12-01", "2027-01-31")]
    assert {row["as_of_date"] for row in rows if "as_of_date" in row} == {AS_OF.isoformat()}


def test_the_trend_compares_this_audit_with_the_previous_one(published: Published) -> None:
    rows = chart_rows(published.page, "chart-trend")

    totals = {
        row["as_of_date"]: row["amount_usd"]
        for row in rows
        if row["measure_column"] == "total_annual_spend_usd"
    }
    assert totals == {"2026-09-30": 9000.00, "2026-10-31": 9701.50}


def test_the_page_names_its_publication_and_audit_date(published: Published) -> None:
    assert "Software audit as of 2026-10-31" in published.page
    assert published.publication.publication_id in published.page


def test_the_page_loads_nothing_from_anywhere(published: Published) -> None:
    page = published.page
    # GIVEN a page opened from disk, offline: no script, stylesheet, image or font to fetch
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""@import|url\(\s*["']?\s*(?:https?:)?//""", page, re.I)
    # and no script runs: the only script elements hold the inert chart specs
    scripts = re.findall(r"<script\b[^>]*>", page, re.I)
    assert scripts == [f'<script type="application/json" id="{c}">' for c in CHART_IDS]


def test_no_e_mail_address_reaches_the_report(published: Published) -> None:
    # GIVEN renewals that name their owners, as the published table does
    named = published.query("select count(*) from renewals where owner_email = ?", [OWNER_EMAIL])
    assert named == [(2,)]
    # THEN the report, passed around more widely, names nobody
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", published.page)


def test_latest_report_follows_the_publication_readers_get(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        create_marts(con, MARTS)
        first = publish_marts(con, paths, "run-11111111", list(MARTS))
        offer_latest_report(paths, first)
        create_marts(
            con, {"audit_summary": [{**MARTS["audit_summary"][0], "application_count": 7}]}
        )
        second = publish_marts(con, paths, "run-22222222", list(MARTS))
        offer_latest_report(paths, second)
    latest = paths.audit_reports / "latest.html"
    assert latest.read_text(encoding="utf-8") == (second.directory / REPORT).read_text("utf-8")
    assert "7 (3 sanctioned, 1 shadow IT)" in latest.read_text(encoding="utf-8")

    restored = rollback(paths)
    offer_latest_report(paths, restored)

    assert restored.publication_id == first.publication_id
    assert first.publication_id in latest.read_text(encoding="utf-8")


def test_a_report_that_cannot_be_written_publishes_nothing(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        create_marts(con, MARTS)
        first = publish_marts(con, paths, "run-11111111", list(MARTS))
        # WHEN a later candidate lacks a table the report reads
        without_renewals = [table for table in MARTS if table != "renewals"]
        with pytest.raises(duckdb.CatalogException, match="renewals"):
            publish_marts(con, paths, "run-22222222", without_renewals)

    # THEN readers keep the previous publication, which has its report, and nothing half-written
    assert current(paths).publication_id == first.publication_id
    assert (first.directory / REPORT).exists()
    assert sorted(p.name for p in paths.publications.iterdir()) == [first.publication_id]


def test_the_renderer_warm_up_draws_with_the_installed_vl_convert() -> None:
    """The refresh warms the renderer up in a thread that swallows errors: a warm-up chart the
    installed altair or vl-convert rejects would silently cost the gate its head start."""
    from reporting import warm_up

    warm_up()  # raises if vl-convert cannot draw it

    thread = warm_up_report_renderer()
    thread.join(timeout=120)
    assert not thread.is_alive()
