"""The connector throughput benchmark on the tiny company with 1-second windows, so
`make bench-connectors` cannot rot. Speed is not asserted: only what was read, what the emulator
refused (nothing) and the section it writes, beside the refresh benchmark's sections.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.connector_throughput import FEEDS, TITLE, Run, by_feed, run_all, section
from benchmarks.report import write_named_section, write_section
from sample_company import generate

SPEEDUP = 60  # Okta's and Google's minute becomes a second, Graph's 10 seconds a sixth of one


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    folder = tmp_path_factory.mktemp("connectors")
    return run_all("tiny", [3], folder, speedup=SPEEDUP)


def test_every_event_feed_is_read_whole_with_no_request_refused(runs: list[Run]) -> None:
    company = generate("tiny", seed=42)
    assert [run.feed for run in runs] == [feed.source for feed in FEEDS]
    for run in runs:
        assert run.refused == 0, run
        assert run.requests >= 1
        assert run.extraction.events > 0
        assert run.extraction.peak_rss_mb >= run.extraction.rss_before_mb > 0
    # The days read are the last ones before the company's last event.
    end = company.events_end
    expected = sum(b.num_rows for b in company.sso_events(end - timedelta(days=3), end))
    assert runs[0].extraction.events == expected


def test_the_allowed_rate_is_the_limit_times_the_page_over_the_shortened_window(
    runs: list[Run],
) -> None:
    okta = runs[0]
    # 120 requests per 60 s of 1,000 events, with the minute shortened to a second.
    assert okta.allowed_events_per_s == pytest.approx(120 * 1000 / 60 * SPEEDUP)
    assert okta.window_s == pytest.approx(1.0)


def test_the_section_has_a_row_per_run_and_keeps_the_refresh_sections(
    runs: list[Run], tmp_path: Path
) -> None:
    docs = tmp_path / "benchmarks.md"
    write_section(docs, "S", "## Scale S\n\nthe refresh at S\n")
    text = section(runs, speedup=SPEEDUP, command="make bench-connectors")
    write_named_section(docs, TITLE, text)
    write_named_section(docs, TITLE, text)  # a rerun replaces it
    write_section(docs, "M", "## Scale M\n\nthe refresh at M\n")  # and a refresh keeps it

    document = docs.read_text()
    assert document.count(f"## {TITLE}") == 1
    assert "the refresh at S" in document
    assert document.index("## Scale M") < document.index(f"## {TITLE}")
    feeds = tuple(f"| {feed.source} |" for feed in FEEDS)
    rows = [line for line in document.splitlines() if line.startswith(feeds)]
    assert len(rows) == len(runs)
    assert all(row.split(" | ")[1] == "tiny" for row in rows)  # the scale column
    assert all(row.split(" | ")[5] == "0" for row in rows)  # the refused column
    assert "on the sample company (okta at tiny, graph at tiny, google at tiny)" in document
    assert "divided by 60" in document
    assert "- cores:" in document


def test_a_feed_can_be_read_at_its_own_scale_and_days() -> None:
    """Google's quota allows more events a minute than scale M logs in 90 days: the bench reads it
    at L over more days, while the others keep theirs."""
    assert by_feed(["M", "google=L"], "--scale") == {None: "M", "google": "L"}
    assert by_feed(["2", "8", "google=4,16"], "--days") == {None: "2,8", "google": "4,16"}
    with pytest.raises(ValueError, match="no feed 'gogle'"):
        by_feed(["M", "gogle=L"], "--scale")
    with pytest.raises(ValueError, match="a value for every feed"):
        by_feed(["google=L"], "--scale")
