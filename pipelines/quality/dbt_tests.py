"""dbt's data tests, run by the quality gate in a process of their own beside great-expectations.

dbt's Python is single-threaded: `dbt build` with its ~280 data tests kept one core busy while the
other waited, and the great-expectations suites then waited for it. The refresh now builds the
models without tests; the gate starts `dbt test` on the working warehouse (which nothing else then
opens) and meanwhile validates the candidate publication, a file of its own, with
great-expectations: two cores, two processes, no DuckDB lock shared.

A failing dbt test blocks the marts downstream of the models (or sources) it tests, found through
dbt's lineage in the manifest, so the check on each mart names the tests that concern it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from dagster_dbt import DbtProject

from pipelines.transform.dbt import DBT_GLOBAL_FLAGS, dbt_env, dbt_executable

BLOCKING_STATUSES = frozenset({"fail", "error", "runtime error", "skipped"})
#: The instant (naive UTC) after which the event logs' key and not-null tests check the rows loaded;
#: read by the dbt macro `rows_loaded_since`.
ROWS_LOADED_SINCE_ENV = "AUDIT_DBT_ROWS_LOADED_SINCE"


@dataclass(frozen=True)
class TestOutcome:
    """One dbt test that did not pass, and the nodes it tests."""

    name: str
    status: str
    message: str
    tested: frozenset[str]

    @property
    def blocking(self) -> bool:
        return self.status in BLOCKING_STATUSES

    def describe(self) -> str:
        return f"{self.name} ({self.status}): {self.message}".rstrip(": ")


@dataclass(frozen=True)
class DbtTestResults:
    """What `dbt test` found: counts, and each test that did not pass."""

    passed: int
    not_passed: list[TestOutcome] = field(default_factory=list)
    error: str | None = None
    ancestors: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def concerning(self, mart: str) -> list[TestOutcome]:
        """The tests that did not pass on `mart` or on anything it is built from."""
        if self.error:
            return []
        lineage = self.ancestors.get(mart, frozenset())
        return [outcome for outcome in self.not_passed if outcome.tested & lineage]


def dbt_test_env(as_of: date, rows_loaded_since: datetime | None) -> dict[str, str]:
    """What the gate's `dbt test` needs in its environment besides this process's: the audit
    date, and the instant the dbt macro `rows_loaded_since` reads (empty: every row)."""
    return {
        **dbt_env(as_of),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        ROWS_LOADED_SINCE_ENV: rows_loaded_since.isoformat(sep=" ") if rows_loaded_since else "",
    }


class DbtTestRun:
    """`dbt test` started in the background on the working warehouse; `wait` collects it."""

    def __init__(
        self, project: DbtProject, as_of: date, rows_loaded_since: datetime | None = None
    ) -> None:
        """Start `dbt test`. With `rows_loaded_since`, the event logs' tests that name a
        `loaded_at_column` check only the rows loaded since then (the whole log is still probed for
        a repeated key); without, every row."""
        self._target = project.project_dir / project.target_path
        self._target.mkdir(parents=True, exist_ok=True)
        self.log_path = self._target / "dbt_test.log"
        (self._target / "run_results.json").unlink(missing_ok=True)
        self._log: IO[str] = self.log_path.open("w", encoding="utf-8")
        command = [
            dbt_executable(),
            *DBT_GLOBAL_FLAGS,
            "test",
            "--exclude",
            "test_type:unit",
            "--target-path",
            str(self._target),
            "--log-path",
            str(self._target),
        ]
        self._process = subprocess.Popen(
            command,
            cwd=project.project_dir,
            env={**os.environ, **dbt_test_env(as_of, rows_loaded_since)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait(self, marts: Iterable[str]) -> DbtTestResults:
        try:
            code = self._process.wait()
        finally:
            self._log.close()
        results_path = self._target / "run_results.json"
        if not results_path.exists():
            return DbtTestResults(
                passed=0, error=f"dbt test exited with {code} without results: see {self.log_path}"
            )
        results = json.loads(results_path.read_text(encoding="utf-8"))
        manifest = json.loads((self._target / "manifest.json").read_text(encoding="utf-8"))
        return summarise(results, manifest, marts)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._log.close()


def summarise(
    run_results: Mapping[str, Any], manifest: Mapping[str, Any], marts: Iterable[str]
) -> DbtTestResults:
    """Read dbt's run results against its manifest's lineage."""
    nodes = manifest.get("nodes", {})
    passed, not_passed = 0, []
    for result in run_results.get("results", []):
        if result["status"] == "pass":
            passed += 1
            continue
        node = nodes.get(result["unique_id"], {})
        not_passed.append(
            TestOutcome(
                name=node.get("name", result["unique_id"]),
                status=result["status"],
                message=(result.get("message") or "").strip(),
                tested=frozenset(node.get("depends_on", {}).get("nodes", [])),
            )
        )
    parents = manifest.get("parent_map", {})
    project = manifest.get("metadata", {}).get("project_name") or _project_of(nodes)
    ancestors = {mart: _lineage(f"model.{project}.{mart}", parents) for mart in marts}
    return DbtTestResults(passed=passed, not_passed=not_passed, ancestors=ancestors)


def _lineage(node: str, parents: Mapping[str, list[str]]) -> frozenset[str]:
    """`node` and every node it is built from."""
    seen = {node}
    queue = deque([node])
    while queue:
        for parent in parents.get(queue.popleft(), []):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return frozenset(seen)


def _project_of(nodes: Mapping[str, Any]) -> str:
    return next((n.get("package_name") for n in nodes.values() if n.get("package_name")), "")
