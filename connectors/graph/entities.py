"""The raw tables landed from Microsoft Graph, named after the properties of Graph's own resources.

Field paths in comments are those of the Graph v1.0 resources (subscribedSku, servicePrincipal,
user, signIn), flattened with `_` in snake case. Lists of strings stay lists (DuckDB `VARCHAR[]`),
so a query can `unnest` them without parsing JSON.
"""

from __future__ import annotations

import pyarrow as pa

from connectors.base import Entity

TS = pa.timestamp("us")
STRINGS = pa.list_(pa.string())

SUBSCRIBED_SKUS = Entity(
    name="subscribed_skus",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),  # "<tenant id>_<skuId>"
            pa.field("sku_id", pa.string()),  # what users' assignedLicenses refer to
            pa.field("sku_part_number", pa.string()),  # skuPartNumber, e.g. SPE_E3
            pa.field("applies_to", pa.string()),  # appliesTo: User or Company
            pa.field("capability_status", pa.string()),  # Enabled, Warning, Suspended, ...
            pa.field("consumed_units", pa.int64()),  # licenses assigned
            pa.field("prepaid_units_enabled", pa.int64()),  # prepaidUnits.enabled: seats bought
            pa.field("prepaid_units_suspended", pa.int64()),
            pa.field("prepaid_units_warning", pa.int64()),  # in the grace period after expiry
            pa.field("prepaid_units_locked_out", pa.int64()),  # prepaidUnits.lockedOut
            pa.field("payload", pa.string()),  # the subscribedSku as JSON, with its servicePlans
        ]
    ),
)

SERVICE_PRINCIPALS = Entity(
    name="service_principals",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("app_id", pa.string()),  # the application's id, the same in every tenant
            pa.field("display_name", pa.string()),
            pa.field("app_display_name", pa.string()),
            pa.field("account_enabled", pa.bool_()),  # false: nobody can sign in to it
            pa.field("service_principal_type", pa.string()),  # Application, ManagedIdentity, ...
            pa.field("app_owner_organization_id", pa.string()),  # tenant that registered the app
            pa.field("sign_in_audience", pa.string()),  # AzureADMyOrg, AzureADMultipleOrgs, ...
            pa.field("preferred_single_sign_on_mode", pa.string()),  # saml, oidc, password, ...
            pa.field("app_role_assignment_required", pa.bool_()),
            pa.field("homepage", pa.string()),
            pa.field(
                "verified_publisher_display_name", pa.string()
            ),  # verifiedPublisher.displayName
            pa.field("tags", STRINGS),  # WindowsAzureActiveDirectoryIntegratedApp, HideApp, ...
            pa.field("payload", pa.string()),  # the servicePrincipal as JSON
        ]
    ),
)

USERS = Entity(
    name="users",
    key=("id",),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("user_principal_name", pa.string()),  # the sign-in name, usually the e-mail
            pa.field("mail", pa.string()),
            pa.field("display_name", pa.string()),
            pa.field("department", pa.string()),
            pa.field("job_title", pa.string()),
            pa.field("account_enabled", pa.bool_()),  # false for leavers
            pa.field("user_type", pa.string()),  # Member or Guest
            pa.field("created_date_time", TS),
            pa.field("assigned_licenses_sku_ids", STRINGS),  # assignedLicenses[].skuId
            # signInActivity.*; null when Graph reports no sign-in (or `0001-01-01T00:00:00Z`).
            pa.field("sign_in_activity_last_sign_in_date_time", TS),
            pa.field("sign_in_activity_last_non_interactive_sign_in_date_time", TS),
            pa.field("sign_in_activity_last_successful_sign_in_date_time", TS),
            pa.field("payload", pa.string()),  # the user as JSON, as selected
        ]
    ),
)

SIGN_INS = Entity(
    name="sign_ins",
    key=("id",),
    kind="events",
    event_time="created_date_time",
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("created_date_time", TS, nullable=False),
            pa.field("user_id", pa.string()),
            pa.field("user_principal_name", pa.string()),
            pa.field("user_display_name", pa.string()),
            pa.field("app_id", pa.string()),  # the client application signed in to
            pa.field("app_display_name", pa.string()),  # e.g. Office 365 Exchange Online
            pa.field("resource_id", pa.string()),  # the API the token was for
            pa.field("resource_display_name", pa.string()),
            pa.field("client_app_used", pa.string()),  # Browser, Mobile Apps and Desktop clients
            pa.field("ip_address", pa.string()),
            pa.field("is_interactive", pa.bool_()),
            pa.field("conditional_access_status", pa.string()),  # success, failure, notApplied
            pa.field("status_error_code", pa.int32()),  # status.errorCode: 0 is a success
            pa.field("status_failure_reason", pa.string()),  # "Other." even on success
            pa.field("device_detail_operating_system", pa.string()),
            pa.field("device_detail_browser", pa.string()),
            pa.field("location_country_or_region", pa.string()),  # location.countryOrRegion
        ]
    ),
)

ENTITIES: tuple[Entity, ...] = (SUBSCRIBED_SKUS, SERVICE_PRINCIPALS, USERS, SIGN_INS)
