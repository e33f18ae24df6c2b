"""The dbt project documents itself: `dbt docs generate` works and names every model and column.

Finance reads the model in dbt's docs, so an undocumented column is a figure nobody can challenge;
the lineage shown there must run sources -> staging -> intermediate -> marts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hand_audited_company as company
import pytest


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("docs_data")
    dbt_harness.write_raw_tables(dbt_harness.warehouse_path(data_dir), company.RAW_ROWS)
    built = dbt_harness.run_dbt(
        data_dir,
        "build",
        "--empty",
        "--exclude",
        "resource_type:test",
        as_of_date=company.AS_OF_DATE,
    )
    assert built.returncode == 0, built.output[-5000:]
    generated = dbt_harness.run_dbt(data_dir, "docs", "generate", as_of_date=company.AS_OF_DATE)
    assert generated.returncode == 0, generated.output[-5000:]
    target = Path(data_dir) / "dbt_target"
    return {
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
        "index": target / "index.html",
    }


def documented_nodes(docs: dict[str, Any]) -> dict[str, Any]:
    return {
        unique_id: node
        for unique_id, node in docs["manifest"]["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }


def test_docs_generate_writes_the_site_and_a_catalogue_of_every_built_relation(docs) -> None:
    assert docs["index"].exists()
    assert set(documented_nodes(docs)) <= set(docs["catalog"]["nodes"])


def test_every_model_seed_and_snapshot_has_a_description(docs) -> None:
    undocumented = [uid for uid, node in documented_nodes(docs).items() if not node["description"]]

    assert undocumented == []


def test_every_column_of_every_built_relation_is_documented(docs) -> None:
    missing = []
    for unique_id, node in documented_nodes(docs).items():
        documented = {name for name, column in node["columns"].items() if column["description"]}
        built = set(docs["catalog"]["nodes"][unique_id]["columns"])
        missing += [f"{node['name']}.{column}" for column in sorted(built - documented)]

    assert missing == []


def test_lineage_runs_from_sources_through_staging_and_intermediate_to_marts(docs) -> None:
    nodes = docs["manifest"]["nodes"]
    layer = {uid: node["fqn"][1] for uid, node in nodes.items() if node["resource_type"] == "model"}
    for uid, node in nodes.items():
        if node["resource_type"] != "model":
            continue
        upstream = {layer.get(dep, dep.split(".")[0]) for dep in node["depends_on"]["nodes"]}
        if layer[uid] == "staging":
            assert upstream == {"source"}, node["name"]
        else:
            assert "source" not in upstream, node["name"]
        if layer[uid] == "marts":
            assert "staging" not in upstream, node["name"]
