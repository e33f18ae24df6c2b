"""Every source the audit models and the raw tables each one lands, in one place.

The pipeline builds one raw asset per entity from this mapping, and the dbt project declares
the same tables as sources, so a source added here shows up in both.
"""

from connectors.base import Entity
from connectors.files.schemas import FILE_SPECS
from connectors.google.entities import ENTITIES as GOOGLE_ENTITIES
from connectors.graph.entities import ENTITIES as GRAPH_ENTITIES
from connectors.okta.entities import ENTITIES as OKTA_ENTITIES
from connectors.servicenow.entities import ENTITIES as SERVICENOW_ENTITIES
from connectors.snipeit.entities import ENTITIES as SNIPEIT_ENTITIES

SOURCE_ENTITIES: dict[str, tuple[Entity, ...]] = {
    "okta": OKTA_ENTITIES,
    "graph": GRAPH_ENTITIES,
    "google": GOOGLE_ENTITIES,
    "servicenow": SERVICENOW_ENTITIES,
    "snipeit": SNIPEIT_ENTITIES,
    "files": tuple(spec.to_entity() for spec in FILE_SPECS),
}

#: What each source is, in the words the asset catalogue shows.
SOURCE_DESCRIPTIONS: dict[str, str] = {
    "okta": "Okta (identity provider), read through the Okta Management API",
    "graph": "Microsoft Entra ID, read through Microsoft Graph",
    "google": "Google Workspace, read through the Admin SDK Reports API",
    "servicenow": "ServiceNow (CMDB and software asset management), read through the Table API",
    "snipeit": "Snipe-IT (asset manager), read through its REST API",
    "files": "a file the business owns, read from the configured folder against its schema",
}
