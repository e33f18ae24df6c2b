"""The project's table and view materializations replace a model in one transaction.

GIVEN a small dbt project using dbt_project's own materializations (copied, so the test builds two
tiny models instead of the audit), WHEN a built model fails, then is replaced (a view by a table
and a table by a view), THEN the warehouse holds exactly the old relations after the failure (the
drop before the create is rolled back with it) and the new ones after the success.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
MATERIALIZATIONS = DBT_PROJECT_DIR / "macros" / "materializations"

PROJECT = """
name: materializations_check
version: "1.0"
profile: materializations_check
macro-paths: ["macros"]
"""
PROFILE = """
materializations_check:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
      threads: 1
"""
# `fail` breaks each model: the table's query fails as it runs (after the old table was dropped
# in the transaction), the view's as it is created (a view runs no query until it is read).
TABLE_MODEL = """
{{ config(materialized=var('table_as', 'table')) }}
select {{ "cast('broken' as integer)" if var('fail', false) else var('version') }} as version
"""
VIEW_MODEL = """
{{ config(materialized=var('view_as', 'view')) }}
select {{ var('version') }} as version {{ "from no_such_table" if var('fail', false) }}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    shutil.copytree(MATERIALIZATIONS, root / "macros" / "materializations")
    (root / "dbt_project.yml").write_text(PROJECT)
    (root / "profiles.yml").write_text(PROFILE.format(path=tmp_path / "warehouse.duckdb"))
    (root / "models" / "versioned_table.sql").write_text(TABLE_MODEL)
    (root / "models" / "versioned_view.sql").write_text(VIEW_MODEL)
    return root


def dbt_run(project: Path, **variables: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "run",
            "--vars",
            json.dumps(variables),
            "--profiles-dir",
            str(project),
        ],
        cwd=project,
        env=os.environ | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def relations(project: Path) -> dict[str, tuple[str, int]]:
    """Each model's relation type and the version it holds."""
    with duckdb.connect(str(project.parent / "warehouse.duckdb"), read_only=True) as con:
        found = {
            name: kind
            for name, kind in con.execute(
                "select table_name, table_type from information_schema.tables"
                " where table_schema = 'main'"
            ).fetchall()
        }
        return {
            name: (kind, con.execute(f"select version from {name}").fetchone()[0])
            for name, kind in sorted(found.items())
        }


def test_rebuilt_failed_and_retyped_models_keep_a_whole_relation(project: Path) -> None:
    built = dbt_run(project, version=2)
    assert built.returncode == 0, built.stdout
    rebuilt = dbt_run(project, version=2)
    assert rebuilt.returncode == 0, rebuilt.stdout
    # the project's materialization, not dbt's swap through a temporary and a backup relation
    executed = (project / "target" / "run" / "materializations_check" / "models").glob("*.sql")
    statements = [path.read_text() for path in executed]
    assert len(statements) == 2
    for statement in statements:
        assert "drop" in statement, statement
        assert "__dbt_tmp" not in statement, statement
    assert relations(project) == {
        "versioned_table": ("BASE TABLE", 2),
        "versioned_view": ("VIEW", 2),
    }

    failed = dbt_run(project, version=3, fail=True)
    assert failed.returncode == 1
    assert "Conversion Error" in failed.stdout
    assert "no_such_table does not exist" in failed.stdout
    # the drop ran in the failed transaction: both models still hold the last good build
    assert relations(project) == {
        "versioned_table": ("BASE TABLE", 2),
        "versioned_view": ("VIEW", 2),
    }

    retyped = dbt_run(project, version=4, table_as="view", view_as="table")
    assert retyped.returncode == 0, retyped.stdout
    assert relations(project) == {
        "versioned_table": ("VIEW", 4),
        "versioned_view": ("BASE TABLE", 4),
    }
