"""Starting and steering the publisher and reader processes of the publication tests.

DuckDB's file locks are per process, so a publication and its readers are only shown not to block
each other, and a kill is only a real kill, when each runs in a process of its own. Their output
goes to files, not pipes: a reader printing a line per read would fill a pipe nobody empties yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from publisher_process import Hold, open_warehouse, publish_run

from pipelines.settings import PROJECT_DIR, Paths

HERE = Path(__file__).parent
TIMEOUT_S = 60


@dataclass(frozen=True)
class Child:
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def lines(self) -> list[str]:
        """Complete lines printed so far; a line being written is not counted yet."""
        text = self.stdout.read_text(encoding="utf-8")
        return text.splitlines() if text.endswith("\n") else text.splitlines()[:-1]

    def observations(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]

    def check_running(self) -> None:
        code = self.process.poll()
        if code is not None:
            raise AssertionError(f"{self.stdout.stem} exited with {code}: {self.errors()}")

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8")

    def stop(self) -> None:
        """Kill the child if a failed test left it running."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=TIMEOUT_S)


def spawn(script: str, *args: object, logs: Path, name: str) -> Child:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    logs.mkdir(parents=True, exist_ok=True)
    stdout, stderr = logs / f"{name}.out", logs / f"{name}.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, str(HERE / script), *map(str, args)], stdout=out, stderr=err, env=env
        )
    return Child(process, stdout, stderr)


def start_publisher(
    paths: Paths, run_ids: list[str], *, logs: Path, keep: int = 5, hold: Path | None = None
) -> Child:
    options = ["--keep", keep, *(["--hold", hold] if hold else [])]
    name = f"publisher-{run_ids[0]}"
    return spawn("publisher_process.py", paths.data_dir, *run_ids, *options, logs=logs, name=name)


def publish_here(paths: Paths, run_ids: list[str], *, keep: int = 5) -> None:
    """Publish one run after another from the test's own process, holding nothing."""
    hold = Hold(None)
    with open_warehouse(paths, hold) as con:
        for run_id in run_ids:
            publish_run(con, paths, run_id, keep=keep, hold=hold)


def start_reader(kind: str, paths: Paths, stop: Path, *, logs: Path, name: str) -> Child:
    return spawn("reader_process.py", kind, paths.published, stop, logs=logs, name=name)


def wait_for_file(path: Path, child: Child) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not path.exists():
        child.check_running()
        assert time.monotonic() < deadline, f"{path} did not appear within {TIMEOUT_S} s"
        time.sleep(0.01)


def wait_for_reads(readers: list[Child], more: int) -> None:
    """Wait until every reader has completed `more` reads beyond those it had completed now."""
    targets = [(reader, len(reader.lines()) + more) for reader in readers]
    deadline = time.monotonic() + TIMEOUT_S
    for reader, target in targets:
        while len(reader.lines()) < target:
            reader.check_running()
            assert time.monotonic() < deadline, f"{reader.stdout.stem} stopped reading"
            time.sleep(0.01)
