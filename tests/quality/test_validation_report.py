"""The validation report: what someone paged for a failed gate reads first."""

from datetime import datetime

from data_quality.report import RunResults, render_report
from data_quality.results import CheckResult, SuiteResult


def suite(table: str, *checks: CheckResult) -> dict:
    success = all(check.success or not check.blocking for check in checks)
    return SuiteResult(table, success, list(checks), "f1ng3rpr1nt", 12, 0.2).to_dict()


NEGATIVE_SEATS = CheckResult(
    name="seats_purchased_non_negative",
    expectation_type="ExpectColumnValuesToBeBetween",
    blocking=True,
    success=False,
    why="A negative seat count is impossible.",
    element_count=12,
    unexpected_count=1,
    unexpected_rows=[{"application_id": "app_<slack>", "seats_purchased": -5}],
    details={"kwargs": {"column": "seats_purchased", "min_value": 0}},
)
PLAUSIBLE_COST = CheckResult(
    name="annual_cost_usd_plausible",
    expectation_type="ExpectColumnValuesToBeBetween",
    blocking=False,
    success=False,
    why="Only warns: a large company could spend it.",
    element_count=12,
    unexpected_count=2,
    unexpected_sample=[60_000_000, 75_000_000],
)
KEY_UNIQUE = CheckResult("application_id_unique", "ExpectColumnValuesToBeUnique", True, True, "")


def test_the_report_names_the_table_the_expectation_the_count_and_the_offending_rows() -> None:
    failed = RunResults(
        "run-2",
        datetime(2026, 11, 2, 6, 0),
        {"license_utilization": suite("license_utilization", NEGATIVE_SEATS, KEY_UNIQUE)},
    )

    page = render_report([failed])

    assert 'license_utilization: <span class="fail">FAILED: not published</span>' in page
    assert "seats_purchased_non_negative" in page
    assert "column=&#x27;seats_purchased&#x27;, min_value=0" in page
    assert "1 of 12 rows unexpected" in page
    # the offending row's values are shown, and escaped
    assert "app_&lt;slack&gt;" in page
    assert "<td>-5</td>" in page
    assert "the previous publication stays in place" in page


def test_a_warning_is_reported_apart_from_a_blocking_failure_with_its_sample_values() -> None:
    warned = RunResults(
        "run-1",
        datetime(2026, 11, 1, 6, 0),
        {"applications": suite("applications", PLAUSIBLE_COST, KEY_UNIQUE)},
    )

    page = render_report([warned])

    assert '<span class="warn">warning</span>' in page
    assert "60000000, 75000000" in page
    assert "the audit was publishable" in page


def test_the_history_shows_each_earlier_run_and_which_blocking_checks_failed_in_it() -> None:
    older = RunResults("run-1-aaaaaaaa", datetime(2026, 11, 1, 6, 0), {"t": suite("t", KEY_UNIQUE)})
    newer = RunResults(
        "run-2-bbbbbbbb", datetime(2026, 11, 2, 6, 0), {"t": suite("t", NEGATIVE_SEATS)}
    )

    page = render_report([newer, older])
    history = page[page.index("The last 2 runs") :]

    assert history.index("2026-11-02 06:00") < history.index("2026-11-01 06:00")
    assert "seats_purchased_non_negative" in history
    assert history.count('<span class="pass">passed</span>') == 1


def test_the_report_counts_the_rows_quarantined_at_ingestion_per_reason() -> None:
    run = RunResults("run-3", datetime(2026, 11, 2, 6), {"applications": suite("applications")})
    quarantined = [
        {
            "run_id": "run-3",
            "raw_table": "raw.files__contracts",
            "check_name": "seats_non_negative",
            "reason": "seats_non_negative: A negative seat count is impossible.",
            "blocking": True,
            "row_count": 3,
        },
        {
            "run_id": "run-3",
            "raw_table": "raw.okta__apps",
            "check_name": "status_accepted",
            "reason": "status_accepted: news to map in staging.",
            "blocking": False,
            "row_count": 1,
        },
    ]

    page = render_report([run], quarantined)
    clean = render_report([run])

    assert "<h2>Quarantine</h2>" in page
    assert "raw.files__contracts</td><td><code>seats_non_negative</code>" in page
    assert '<span class="fail">refused</span></td><td class="num">3</td>' in page
    assert '<span class="warn">loaded, warning</span></td><td class="num">1</td>' in page
    assert "No row was quarantined" in clean
