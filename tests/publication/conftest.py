"""Fixtures of the publication tests: a data folder of the audit's layout, under the test's tmp."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import Paths


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "data")
