"""The report's charts: one Vega-Lite chart per question, with the caption that explains it.

Each chart is built with altair from the frames of `reporting.queries` and rendered to SVG by
vl-convert in this process, so the page needs no JavaScript, no server and no internet, and
prints as drawn. The Vega-Lite spec (with its data) is kept beside the SVG so the page can embed
it for whoever wants to re-plot or check the figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from reporting.formatting import USD_FORMAT, USD_SHORT_FORMAT, pct, share, usd
from reporting.queries import TOP_APPLICATIONS, ReportData

WIDTH = 560
ROW_HEIGHT = 22
FONT = "Helvetica, Arial, sans-serif"
QUADRANTS = {
    "top_line_run": "Top line · Run",
    "top_line_grow": "Top line · Grow",
    "bottom_line_run": "Bottom line · Run",
    "bottom_line_grow": "Bottom line · Grow",
}
RENEWAL_STATES = {"overdue": "#b42318", "renewal_due": "#dc8a00", "active": "#3b6ea8"}
CONFIDENCE_GRADES = {"A": "#1f5f99", "B": "#5b9bd5", "C": "#f0a030", "D": "#b42318"}
ALIGNED, UNALIGNED = "Serves an objective", "Serves no objective"
#: vl-convert wants the Vega-Lite version altair writes, as "5.20".
VEGA_LITE_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]


def _money_axis() -> alt.Axis:
    # Whole dollars, as finance reads them; few ticks so the long labels do not collide.
    return alt.Axis(format=USD_FORMAT, tickCount=5, labelOverlap=True)


def _date_x(field: str, title: str | None = None) -> alt.X:
    # Dates are calendar days: a UTC scale keeps them on their day wherever the page is drawn.
    # (Vega-Lite 5 drops `format` when `formatType` is "utc"; the UTC scale alone is enough.)
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%b %d, %Y", labelAngle=0, tickCount=6, labelOverlap=True),
    )


@dataclass(frozen=True)
class Draft:
    """A chart before rendering: what it is about, and the altair chart drawing it."""

    chart_id: str
    title: str
    caption: str
    chart: alt.TopLevelMixin
    is_empty: bool


@dataclass(frozen=True)
class Chart:
    """A chart as the page shows it: its anchor id, heading, caption, spec and drawing."""

    chart_id: str
    title: str
    caption: str
    spec: dict[str, Any]
    svg: str
    is_empty: bool


def build_charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, in reading order."""
    builders: list[Callable[[ReportData], Draft]] = [
        portfolio_matrix,
        spend_by_objective,
        license_utilization,
        roi_ranking,
        renewals,
        trend,
    ]
    return [_render(builder(data)) for builder in builders]


def _render(draft: Draft) -> Chart:
    configured = draft.chart.configure(font=FONT, background="white").configure_view(stroke=None)
    spec = _json_safe(configured.to_dict())
    svg = vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    return Chart(
        draft.chart_id,
        draft.title,
        draft.caption,
        spec,
        svg,
        draft.is_empty,
    )


def warm_up() -> None:
    """Draw a one-point chart, unseen, so vl-convert's JavaScript engine is running.

    Its first drawing in a process costs most of a CPU-second; a caller with time to spare before
    the report is due (the refresh, while dbt builds) pays it then instead.
    """
    spec = alt.Chart(pd.DataFrame({"x": [0]})).mark_point().encode(x="x:Q").to_dict()
    vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)


def _json_safe(value: Any) -> Any:
    """NaN as null: pandas' string columns keep missing values as NaN, which JSON cannot hold."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def portfolio_matrix(data: ReportData) -> Draft:
    frame = data.portfolio.copy()
    frame["quadrant_label"] = frame["quadrant"].map(QUADRANTS)
    frame["executive"] = [
        f"{title} ({pct(aligned)} of spend)"
        for title, aligned in zip(
            frame["owner_title"], frame["executive_aligned_spend_pct"], strict=True
        )
    ]
    executives = list(dict.fromkeys(frame["executive"]))
    largest = float(frame["allocated_annual_cost_usd"].max()) if len(frame) else 0.0
    base = alt.Chart(frame).encode(
        x=alt.X(
            "quadrant_label:N",
            sort=list(QUADRANTS.values()),
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("executive:N", sort=executives, title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "allocated_annual_cost_usd:Q",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(title="Annual cost", format=USD_SHORT_FORMAT),
        )
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("allocated_annual_cost_usd:Q", format=USD_FORMAT),
        color=alt.condition(
            alt.datum.allocated_annual_cost_usd > largest * 0.55,
            alt.value("white"),
            alt.value("#222"),
        ),
    )
    chart = (cells + labels).properties(width=WIDTH, height=max(len(executives), 1) * 34)
    summary = data.summary
    total = summary["total_annual_spend_usd"]
    caption = (
        "Each cell is one executive's software budget in one quadrant: the annual cost of the "
        "applications serving that executive's objectives of the quadrant's value type (top line: "
        "grows revenue; bottom line: saves cost) and business mode (run or grow the business). "
        "An application serving several objectives has its cost split across them by contribution "
        "weight, to the cent. Executives are ordered by the spend aligned to them, their share of "
        f"all software spend in brackets. The cells add up to the aligned spend, "
        f"{usd(summary['aligned_annual_spend_usd'])} "
        f"({pct(share(summary['aligned_annual_spend_usd'], total))} of {usd(total)}); "
        f"the other {usd(summary['unaligned_annual_spend_usd'])} serves no objective."
    )
    return Draft(
        "chart-portfolio-matrix",
        "Portfolio matrix: the four budgets of each executive",
        caption,
        chart,
        frame.empty,
    )


def spend_by_objective(data: ReportData) -> Draft:
    summary = data.summary
    objectives = data.objectives
    labels = [
        f"{name or objective_id} ({owner})"
        for objective_id, name, owner in zip(
            objectives["objective_id"],
            objectives["objective_name"],
            objectives["owner_title"],
            strict=True,
        )
    ]
    frame = pd.DataFrame(
        {
            "objective": ["No objective (unaligned)", *labels],
            "objective_id": [None, *objectives["objective_id"]],
            "annual_cost_usd": [
                summary["unaligned_annual_spend_usd"],
                *objectives["allocated_annual_cost_usd"],
            ],
            "alignment": [UNALIGNED, *([ALIGNED] * len(objectives))],
        }
    )
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "objective:N",
            sort=list(frame["objective"]),
            title=None,
            axis=alt.Axis(labelLimit=320),
        ),
        x=alt.X(
            "annual_cost_usd:Q",
            title="Annual cost (USD)",
            axis=_money_axis(),
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "alignment:N",
            scale=alt.Scale(domain=[ALIGNED, UNALIGNED], range=["#3b6ea8", "#b42318"]),
            legend=alt.Legend(title=None, orient="bottom"),
        )
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        text=alt.Text("annual_cost_usd:Q", format=USD_FORMAT)
    )
    chart = (bars + text).properties(width=WIDTH - 260, height=len(frame) * ROW_HEIGHT)
    total = summary["total_annual_spend_usd"]
    unaligned = summary["unaligned_annual_spend_usd"]
    caption = (
        "The annual software cost serving each business objective (objective_roi: each "
        "application's cost split across the objectives it serves by contribution weight), and, "
        "in red, the cost of the applications mapped to no objective. "
        f"{usd(unaligned)} of the {usd(total)} spent a year ({pct(share(unaligned, total))}) "
        "serves no objective."
    )
    return Draft(
        "chart-spend-by-objective",
        "Spend by objective, and the spend serving none",
        caption,
        chart,
        frame["annual_cost_usd"].sum() == 0,
    )


def license_utilization(data: ReportData) -> Draft:
    frame = data.utilization.copy()
    frame["use_label"] = [
        f"{pct(utilization, 0)} ({active:,} of {seats:,})"
        for utilization, active, seats in zip(
            frame["utilization_pct"], frame["active_users"], frame["seats_purchased"], strict=True
        )
    ]
    most = max([100.0, *frame["utilization_pct"].dropna()])
    order = list(frame["application_name"])
    y = alt.Y("application_name:N", sort=order, title=None)
    height = max(len(frame), 1) * ROW_HEIGHT
    unused = alt.Chart(frame).encode(
        y=y,
        x=alt.X(
            "unused_license_cost_usd:Q",
            title="Unused-license cost a year (USD)",
            axis=_money_axis(),
        ),
    )
    unused_chart = (
        unused.mark_bar(color="#b42318")
        + unused.mark_text(align="left", dx=4, fontSize=11).encode(
            text=alt.Text("unused_license_cost_usd:Q", format=USD_FORMAT)
        )
    ).properties(width=220, height=height)
    used = alt.Chart(frame).encode(
        y=alt.Y("application_name:N", sort=order, title=None, axis=None),
        x=alt.X(
            "utilization_pct:Q",
            title="Utilisation (% of seats purchased)",
            scale=alt.Scale(domain=[0, most]),
        ),
    )
    used_chart = (
        used.mark_bar(color="#3b6ea8")
        + used.mark_text(align="left", dx=4, fontSize=11).encode(text="use_label:N")
        + alt.Chart(pd.DataFrame({"full": [100]})).mark_rule(strokeDash=[4, 3]).encode(x="full:Q")
    ).properties(width=160, height=height)
    chart = alt.hconcat(unused_chart, used_chart, spacing=70)
    caption = (
        f"The {len(frame)} applications with the largest unused-license cost "
        f"(license_utilization; at most {TOP_APPLICATIONS} shown). Unused seats = seats purchased "
        "− active users − exempt seats (service accounts, birthright applications, seats handed "
        "out in the last 30 days), never below 0, valued at the annual cost per seat. "
        "Utilisation = active users in the application's activity window (60 days unless set) / "
        "seats purchased, with active users of seats purchased in brackets; the dashed line marks "
        "100%. All applications together leave "
        f"{usd(data.summary['unused_license_cost_usd'])} a year of seats unused."
    )
    return Draft(
        "chart-license-utilization",
        "Utilisation and unused cost of the top applications",
        caption,
        chart,
        frame.empty,
    )


def roi_ranking(data: ReportData) -> Draft:
    ranked = data.roi
    half = TOP_APPLICATIONS // 2 + 1
    if len(ranked) <= 2 * half:
        panels = [("All applications by ROI", ranked)]
    else:
        # Ties at the bottom (no benefit at all: ROI -1) are many; the costliest matter most.
        lowest = ranked.sort_values(
            ["roi_ratio", "annual_cost_usd", "application_name"], ascending=[True, False, True]
        )
        panels = [("Highest ROI", ranked.head(half)), ("Lowest ROI", lowest.head(half))]
    charts = [_roi_panel(title, frame) for title, frame in panels]
    chart = alt.vconcat(*charts, spacing=24).resolve_scale(color="shared")
    caption = (
        "Return on each application's annual cost (application_roi): ROI = (annual benefit − "
        "annual cost) / annual cost, where the benefit is the value of the objectives it serves "
        "× its contribution weight plus active users × hours saved a year × loaded hourly rate. "
        "The thin line spans the low–high range of the uncertain parts of the benefit; the colour "
        "is the confidence grade (A: usage data, a contract and an objective mapping all present; "
        "each missing input drops a grade). Applications without a cost have no ROI and are "
        f"left out; {len(ranked)} are ranked."
    )
    return Draft("chart-roi-ranking", "ROI ranking", caption, chart, ranked.empty)


def _roi_panel(title: str, frame: pd.DataFrame) -> alt.LayerChart:
    frame = frame.copy()
    frame["label_at"] = frame[["roi_ratio", "roi_high_ratio"]].max(axis=1).clip(lower=0)
    frame["roi_label"] = [
        f"{roi:,.1f}x on {usd(cost)} a year"
        for roi, cost in zip(frame["roi_ratio"], frame["annual_cost_usd"], strict=True)
    ]
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y("application_name:N", sort=list(frame["application_name"]), title=None)
    )
    bars = base.mark_bar().encode(
        x=alt.X("roi_ratio:Q", title="ROI (net benefit / cost)"),
        color=alt.Color(
            "confidence_grade:N",
            scale=alt.Scale(domain=list(CONFIDENCE_GRADES), range=list(CONFIDENCE_GRADES.values())),
            legend=alt.Legend(title="Confidence", orient="bottom"),
        ),
    )
    ranges = base.mark_rule(color="#222").encode(x="roi_low_ratio:Q", x2="roi_high_ratio:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="label_at:Q", text="roi_label:N"
    )
    return (bars + ranges + labels).properties(
        width=WIDTH - 280, height=max(len(frame), 1) * ROW_HEIGHT
    )


def renewals(data: ReportData) -> Draft:
    frame = data.renewals.copy()
    frame["contract"] = [
        f"{name} ({contract})"
        for name, contract in zip(frame["application_name"], frame["contract_id"], strict=True)
    ]
    frame["state"] = frame["renewal_state"].str.replace("_", " ")
    frame["cost_label"] = [
        usd(cost) + (f", right-size saves {usd(saving)}" if saving and saving > 0 else "")
        for cost, saving in zip(
            frame["annual_cost_usd"], frame["right_size_annual_saving_usd"], strict=True
        )
    ]
    as_of = data.publication["as_of_date"]
    base = alt.Chart(frame).encode(y=alt.Y("contract:N", sort=list(frame["contract"]), title=None))
    bars = base.mark_bar(height=12).encode(
        x=_date_x("notice_deadline_date"),
        x2="end_date:T",
        color=alt.Color(
            "state:N",
            scale=alt.Scale(
                domain=[s.replace("_", " ") for s in RENEWAL_STATES],
                range=list(RENEWAL_STATES.values()),
            ),
            legend=alt.Legend(title="State", orient="bottom"),
        ),
    )
    ends = base.mark_tick(color="#222", thickness=2, size=14).encode(x=_date_x("end_date"))
    labels = base.mark_text(align="left", dx=6, fontSize=11).encode(
        x=_date_x("end_date"), text="cost_label:N"
    )
    today = (
        alt.Chart(pd.DataFrame({"as_of_date": [as_of]}))
        .mark_rule(strokeDash=[4, 3], color="#222")
        .encode(x=_date_x("as_of_date"))
    )
    chart = (bars + ends + labels + today).properties(
        width=WIDTH - 180, height=max(len(frame), 1) * ROW_HEIGHT
    )
    summary = data.summary
    saving = float(frame["right_size_annual_saving_usd"].fillna(0).sum())
    caption = (
        f"The {len(frame)} contracts in force ending within the renewal horizon (180 days unless "
        f"configured) after the audit date, {as_of}, drawn as the dashed line (renewals). Each "
        "bar runs from "
        "the notice deadline (end date − notice period, the last day to give notice) to the end "
        "date; the label gives the contract's annual cost and what renewing with ceil(active "
        "users × 1.1) seats would save. "
        f"{summary['renewal_overdue_count']} are past their notice deadline, "
        f"{summary['renewal_due_count']} due within 90 days; right-sizing them all saves "
        f"{usd(saving)} a year."
    )
    return Draft(
        "chart-renewals",
        "Renewals in the next 180 days",
        caption,
        chart,
        frame.empty,
    )


def trend(data: ReportData) -> Draft:
    measures = {
        "total_annual_spend_usd": "Total annual spend",
        "unaligned_annual_spend_usd": "Spend serving no objective",
        "unused_license_cost_usd": "Unused-license cost",
    }
    frame = data.trend.melt(
        id_vars=["as_of_date"],
        value_vars=list(measures),
        var_name="measure_column",
        value_name="amount_usd",
    )
    frame["measure"] = frame["measure_column"].map(measures)
    base = alt.Chart(frame).encode(
        x=_date_x("as_of_date", "Audit date"),
        y=alt.Y("amount_usd:Q", title="USD a year", axis=_money_axis()),
        color=alt.Color(
            "measure:N",
            sort=list(measures.values()),
            scale=alt.Scale(range=["#3b6ea8", "#b42318", "#dc8a00"]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
    )
    chart = (base.mark_line() + base.mark_point(filled=True, size=50)).properties(
        width=WIDTH, height=240
    )
    dates = list(data.trend["as_of_date"])
    if len(dates) > 1:
        first, last = data.trend.iloc[0], data.trend.iloc[-1]
        span = (
            f"{len(dates)} audit dates from {dates[0]} to {dates[-1]}: total spend went from "
            f"{usd(first['total_annual_spend_usd'])} to {usd(last['total_annual_spend_usd'])}, "
            f"unused-license cost from {usd(first['unused_license_cost_usd'])} to "
            f"{usd(last['unused_license_cost_usd'])}."
        )
    else:
        span = "Only one audit date so far; the trend builds up as later audits are published."
    caption = (
        "The headline figures of every audit date refreshed so far (audit_trend), the latest "
        f"refresh of each date counting. {span}"
    )
    return Draft(
        "chart-trend",
        "Trend against previous audits",
        caption,
        chart,
        len(dates) == 0,
    )
