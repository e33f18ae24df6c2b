"""Thin Dagster resources around the plain clients: settings, the sources config, the warehouse."""

from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
from pydantic import Field

from connectors.base import Connector
from connectors.config import SourceConfig, build_connector, load_sources
from pipelines.settings import Paths


class AuditSettings(dg.ConfigurableResource):
    """Where the data lives, which date the audit is as of, and how many publications to keep."""

    data_dir: str
    as_of_date: str = Field(
        default="",
        description="Audit date YYYY-MM-DD, to reproduce an audit; empty means today (UTC).",
    )
    keep_publications: int = 10

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.data_dir))

    @property
    def as_of(self) -> date:
        if not self.as_of_date:
            return datetime.now(UTC).date()
        return date.fromisoformat(self.as_of_date)


class SourcesResource(dg.ConfigurableResource):
    """The sources file (see `connectors.config`); secrets come from the environment."""

    config_path: str

    def config(self, source: str) -> SourceConfig | None:
        """The source's settings, or None when this company does not configure it."""
        return load_sources(Path(self.config_path)).get(source)

    def connector(self, config: SourceConfig) -> Connector:
        return build_connector(config)
