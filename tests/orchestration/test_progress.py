"""The CLI's progress: a line as each step of the refresh starts and ends, failures included."""

from __future__ import annotations

import io
import re
import uuid

import dagster as dg

from pipelines.progress import StepProgress


@dg.asset
def landed() -> int:
    return 1


@dg.asset(deps=[landed])
def modelled() -> None:
    raise RuntimeError("dbt build failed")


def test_each_step_is_shown_as_it_starts_and_ends() -> None:
    out = io.StringIO()
    run_id = str(uuid.uuid4())
    job = dg.Definitions(assets=[landed, modelled]).resolve_implicit_global_asset_job_def()

    with dg.instance_for_test() as instance, StepProgress(instance, run_id, out):
        job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)

    lines = out.getvalue().splitlines()
    assert lines[0] == "  landed ..."
    assert re.fullmatch(r"  landed done in \d+\.\d s", lines[1])
    assert lines[2:] == ["  modelled ...", "  modelled FAILED"]


def test_nothing_is_shown_once_the_progress_is_closed() -> None:
    out = io.StringIO()
    run_id = str(uuid.uuid4())
    job = dg.Definitions(assets=[landed]).resolve_implicit_global_asset_job_def()

    with dg.instance_for_test() as instance:
        with StepProgress(instance, run_id, out):
            pass
        job.execute_in_process(instance=instance, run_id=run_id)

    assert out.getvalue() == ""
