"""One tiny company and its whole event history, shared by the sample-company tests."""

from __future__ import annotations

import pyarrow as pa
import pytest

from connectors.okta.entities import SSO_EVENTS
from sample_company import Company, generate


@pytest.fixture(scope="session")
def tiny() -> Company:
    return generate("tiny", seed=42)


@pytest.fixture(scope="session")
def tiny_events(tiny: Company) -> pa.Table:
    return pa.Table.from_batches(list(tiny.sso_events()), schema=SSO_EVENTS.schema)
