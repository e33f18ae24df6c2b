"""The file-drop sensor: a new business file starts one refresh, once; a bad one is refused."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import openpyxl
import pytest

from pipelines.automation.file_drop import build_file_drop_sensor
from pipelines.automation.schedules import MODE_TAG, TRIGGER_TAG
from pipelines.resources import SourcesResource
from pipelines.settings import Paths

SPEND_CSV = (
    "line_id,invoice_date,vendor,amount,currency\n"
    "L-1,2026-10-01,Slack Technologies,1250.50,USD\n"
    "L-2,2026-10-03,Zoom,99.00,EUR\n"
)
BAD_SPEND_CSV = (
    "line_id,invoice_date,vendor,amount,currency\n"
    "L-1,2026-10-01,Slack Technologies,1250.50,USD\n"
    "L-2,2026-10-03,Zoom,ninety-nine,EUR\n"
)


@dataclass
class Drop:
    """A data folder with a files source, its inbox, and the sensor watching it."""

    paths: Paths
    source: Path
    sources: SourcesResource
    sensor: dg.SensorDefinition
    instance: dg.DagsterInstance

    def put(self, name: str, content: str | bytes) -> Path:
        path = self.paths.inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def tick(self, cursor: str | None = None) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=self.instance, cursor=cursor, resources={"sources": self.sources}
        )
        return self.sensor(context)


@pytest.fixture
def drop(tmp_path: Path) -> dg.DagsterInstance:
    config = tmp_path / "config" / "sources.yml"
    config.parent.mkdir()
    config.write_text("sources:\n  files: {type: files, path: business_files}\n")
    paths = Paths(tmp_path / "data")
    with dg.DagsterInstance.ephemeral() as instance:
        yield Drop(
            paths=paths,
            source=config.parent / "business_files",
            sources=SourcesResource(config_path=str(config)),
            # No settling time: the tests write each file whole before the tick.
            sensor=build_file_drop_sensor(paths, "audit_refresh", settle_seconds=0),
            instance=instance,
        )


def test_a_new_spend_file_is_installed_where_the_files_source_reads_and_starts_a_refresh(
    drop: Drop,
) -> None:
    drop.put("spend_2026-10.csv", SPEND_CSV)

    result = drop.tick()

    [request] = result.run_requests
    assert request.run_key.startswith("spend_2026-10.csv@")
    assert request.tags[TRIGGER_TAG] == "file_drop"
    assert request.tags[MODE_TAG] == "incremental"
    assert (drop.source / "spend.csv").read_text(encoding="utf-8") == SPEND_CSV
    assert list(drop.paths.inbox.iterdir()) == []
    [archived] = drop.paths.archive.glob("*spend_2026-10.csv")
    assert archived.read_text(encoding="utf-8") == SPEND_CSV


def test_the_same_file_dropped_again_does_not_trigger_a_second_refresh(drop: Drop) -> None:
    # GIVEN a file already loaded
    drop.put("spend.csv", SPEND_CSV)
    first = drop.tick()

    # WHEN the same file (same name, same content) is delivered again
    drop.put("spend.csv", SPEND_CSV)
    second = drop.tick(first.cursor)

    # THEN it is archived and no run is requested
    assert len(first.run_requests) == 1
    assert second.run_requests == []
    assert second.skip_reason is not None
    assert list(drop.paths.inbox.iterdir()) == []
    assert len(list(drop.paths.archive.glob("*-spend*.csv"))) == 2


def test_a_changed_file_under_the_same_name_triggers_again_with_another_run_key(
    drop: Drop,
) -> None:
    drop.put("spend.csv", SPEND_CSV)
    first = drop.tick()
    changed = SPEND_CSV + "L-3,2026-10-09,Miro,12.00,USD\n"
    drop.put("spend.csv", changed)

    second = drop.tick(first.cursor)

    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    assert (drop.source / "spend.csv").read_text(encoding="utf-8") == changed


def test_a_bad_file_is_moved_to_rejected_with_its_reason_and_nothing_is_loaded(
    drop: Drop,
) -> None:
    drop.source.mkdir(parents=True)
    (drop.source / "spend.csv").write_text(SPEND_CSV, encoding="utf-8")
    drop.put("spend_2026-11.csv", BAD_SPEND_CSV)

    result = drop.tick()

    assert result.run_requests == []
    assert (drop.paths.rejected / "spend_2026-11.csv").read_text(encoding="utf-8") == BAD_SPEND_CSV
    reason = (drop.paths.rejected / "spend_2026-11.csv.reason.txt").read_text(encoding="utf-8")
    # the reason names the file, the line and the field, as the files connector reports them
    assert "spend_2026-11.csv line 3" in reason
    assert "amount" in reason
    assert (drop.source / "spend.csv").read_text(encoding="utf-8") == SPEND_CSV
    assert list(drop.paths.inbox.iterdir()) == []


def test_a_file_whose_name_says_nothing_is_refused_with_the_names_expected(drop: Drop) -> None:
    drop.put("export (3).csv", SPEND_CSV)

    result = drop.tick()

    assert result.run_requests == []
    reason = (drop.paths.rejected / "export (3).csv.reason.txt").read_text(encoding="utf-8")
    assert "spend.csv/.xlsx" in reason
    assert "survey_responses" in reason


def test_a_workbook_replaces_the_csv_of_its_entity_which_is_kept_in_the_archive(
    drop: Drop, tmp_path: Path
) -> None:
    # GIVEN the files source holds spend.csv
    drop.source.mkdir(parents=True)
    (drop.source / "spend.csv").write_text(SPEND_CSV, encoding="utf-8")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Spend"
    for row in [
        ["line_id", "invoice_date", "vendor", "amount", "currency"],
        ["L-9", "2026-11-02", "Figma", 480, "USD"],
    ]:
        workbook.active.append(row)
    workbook.save(tmp_path / "Spend November.xlsx")

    # WHEN finance drops a workbook for November
    drop.put("Spend November.xlsx", (tmp_path / "Spend November.xlsx").read_bytes())
    result = drop.tick()

    # THEN it becomes spend.xlsx and spend.csv goes (two files for one entity stop the source)
    assert len(result.run_requests) == 1
    assert sorted(path.name for path in drop.source.iterdir()) == ["spend.xlsx"]
    [replaced] = (drop.paths.archive / "replaced").glob("*-spend.csv")
    assert replaced.read_text(encoding="utf-8") == SPEND_CSV


def test_several_files_in_one_tick_start_one_refresh(drop: Drop) -> None:
    drop.put("spend.csv", SPEND_CSV)
    drop.put(
        "objectives.csv",
        "objective_id,name,owner_title,value_type,business_mode,kpi,annual_value,currency,"
        "start_quarter,horizon_quarters\n"
        "OBJ-1,Grow EMEA,CRO,top_line,grow,ARR,1000000,USD,2026-Q3,4\n",
    )

    result = drop.tick()

    [request] = result.run_requests
    assert request.tags["audit/dropped_files"] == "objectives,spend"
    assert {path.name for path in drop.source.iterdir()} == {"spend.csv", "objectives.csv"}


def test_a_file_still_being_written_is_left_for_a_later_tick(drop: Drop) -> None:
    patient = build_file_drop_sensor(drop.paths, "audit_refresh", settle_seconds=60)
    drop.put("spend.csv", SPEND_CSV)
    drop.put("contracts.csv.part", "contract_id,vendor\n")

    context = dg.build_sensor_context(instance=drop.instance, resources={"sources": drop.sources})
    result = patient(context)

    assert result.run_requests == []
    assert sorted(path.name for path in drop.paths.inbox.iterdir()) == [
        "contracts.csv.part",
        "spend.csv",
    ]
    # once the copy has settled, the file is loaded; the partial download still waits
    old = drop.paths.inbox / "spend.csv"
    os.utime(old, (old.stat().st_atime - 120, old.stat().st_mtime - 120))
    assert len(patient(context).run_requests) == 1


def test_without_a_files_source_the_sensor_skips_and_touches_nothing(
    drop: Drop, tmp_path: Path
) -> None:
    config = tmp_path / "no_files.yml"
    config.write_text("sources: {}\n")
    drop.sources = SourcesResource(config_path=str(config))
    drop.put("spend.csv", SPEND_CSV)

    result = drop.tick()

    assert result.run_requests == []
    assert "No `files` source" in result.skip_reason.skip_message
    assert [path.name for path in drop.paths.inbox.iterdir()] == ["spend.csv"]


def test_the_sensor_is_stopped_unless_enabled(drop: Drop) -> None:
    enabled = build_file_drop_sensor(drop.paths, "audit_refresh", enabled=True)

    assert drop.sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert enabled.default_status == dg.DefaultSensorStatus.RUNNING
