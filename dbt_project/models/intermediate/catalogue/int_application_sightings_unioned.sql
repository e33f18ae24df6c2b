with

okta_apps as (

    select * from {{ ref('stg_okta__apps') }}

),

service_principals as (

    select * from {{ ref('stg_graph__service_principals') }}

),

subscribed_skus as (

    select * from {{ ref('stg_graph__subscribed_skus') }}

),

sku_applications as (

    select * from {{ ref('microsoft_sku_applications') }}

),

token_activities as (

    select * from {{ ref('stg_google__token_activities') }}

),

business_apps as (

    select * from {{ ref('stg_servicenow__business_apps') }}

),

servicenow_licenses as (

    select * from {{ ref('stg_servicenow__licenses') }}

),

snipeit_licenses as (

    select * from {{ ref('stg_snipeit__licenses') }}

),

contracts as (

    select * from {{ ref('stg_files__contracts') }}

),

spend as (

    select * from {{ ref('stg_files__spend') }}

),

survey_responses as (

    select * from {{ ref('stg_files__survey_responses') }}

),

application_objectives as (

    select * from {{ ref('stg_files__application_objectives') }}

),

sightings as (

    -- IT manages: the IdPs' configured apps, the CMDB, license records and contracts

    select
        'okta' as source_system,
        app_label as application_name,
        true as is_managed
    from okta_apps

    union all

    -- an enterprise app is managed once an admin set up its single sign-on or assignments;
    -- one users merely consented to is only a sign of use
    select
        'graph' as source_system,
        service_principal_name as application_name,
        coalesce(single_sign_on_mode is not null or is_assignment_required, false) as is_managed
    from service_principals
    where
        service_principal_type = 'Application'
        and coalesce(app_owner_tenant_id, '') not in (
            {% for tenant in var('entra_first_party_tenant_ids') -%}
                '{{ tenant }}'{{ ',' if not loop.last }}
            {% endfor -%}
        )
        -- registered for this tenant only: the company's own code (automation, integrations)
        and coalesce(sign_in_audience, '') != 'AzureADMyOrg'

    union all

    select
        'graph' as source_system,
        sku_applications.application_name,
        true as is_managed
    from subscribed_skus
    inner join sku_applications
        on subscribed_skus.sku_part_number = sku_applications.sku_part_number

    union all

    select
        'servicenow' as source_system,
        business_app_name as application_name,
        true as is_managed
    from business_apps

    union all

    select
        'servicenow' as source_system,
        software_model_name as application_name,
        true as is_managed
    from servicenow_licenses

    union all

    select
        'snipeit' as source_system,
        software_name as application_name,
        true as is_managed
    from snipeit_licenses

    union all

    select
        'contracts' as source_system,
        product_name as application_name,
        true as is_managed
    from contracts

    union all

    -- signs of use only: OAuth grants, money spent, answers, the business's own mapping

    select
        'google' as source_system,
        oauth_app_name as application_name,
        false as is_managed
    from token_activities

    union all

    select
        'spend' as source_system,
        {{ spend_application_name('product_name', 'vendor_name') }} as application_name,
        false as is_managed
    from spend

    union all

    select
        'survey' as source_system,
        application_name,
        false as is_managed
    from survey_responses

    union all

    select
        'mapping' as source_system,
        application_name,
        false as is_managed
    from application_objectives

),

counted as (

    select
        source_system,
        application_name,
        count(*) as sighting_count,
        bool_or(is_managed) as is_managed
    from sightings
    where application_name is not null
    group by source_system, application_name

)

select * from counted
