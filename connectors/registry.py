"""Every source the audit models and the raw tables each one lands, in one place.

The pipeline builds one raw asset per entity from this mapping, and the dbt project declares
the same tables as sources, so a source added here shows up in both.
"""

from connectors.base import Entity
from connectors.files.schemas import FILE_SPECS
from connectors.okta.entities import ENTITIES as OKTA_ENTITIES

SOURCE_ENTITIES: dict[str, tuple[Entity, ...]] = {
    "okta": OKTA_ENTITIES,
    "files": tuple(spec.to_entity() for spec in FILE_SPECS),
}
