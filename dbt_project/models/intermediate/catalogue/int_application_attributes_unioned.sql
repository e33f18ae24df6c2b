with

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

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

subscribed_skus as (

    select * from {{ ref('stg_graph__subscribed_skus') }}

),

sku_applications as (

    select * from {{ ref('microsoft_sku_applications') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

contract_seats as (

    select
        application_id,
        'contracts' as source_system,
        sum(seats) as seats
    from contracts
    where is_active and application_id is not null
    group by application_id

),

servicenow_seats as (

    select
        names_resolved.application_id,
        'servicenow' as source_system,
        sum(servicenow_licenses.purchased_rights) as seats
    from servicenow_licenses
    inner join names_resolved
        on servicenow_licenses.software_model_name = names_resolved.application_name
    where
        servicenow_licenses.start_date <= {{ as_of_date() }}
        and coalesce(servicenow_licenses.end_date >= {{ as_of_date() }}, true)
    group by names_resolved.application_id

),

snipeit_seats as (

    select
        names_resolved.application_id,
        'snipeit' as source_system,
        sum(snipeit_licenses.seat_count) as seats
    from snipeit_licenses
    inner join names_resolved
        on snipeit_licenses.software_name = names_resolved.application_name
    where
        coalesce(snipeit_licenses.purchase_date <= {{ as_of_date() }}, true)
        and coalesce(snipeit_licenses.expiration_date >= {{ as_of_date() }}, true)
        and coalesce(snipeit_licenses.termination_date > {{ as_of_date() }}, true)
    group by names_resolved.application_id

),

graph_seats as (

    select
        names_resolved.application_id,
        'graph' as source_system,
        sum(subscribed_skus.enabled_units) as seats
    from subscribed_skus
    inner join sku_applications
        on subscribed_skus.sku_part_number = sku_applications.sku_part_number
    inner join names_resolved
        on sku_applications.application_name = names_resolved.application_name
    group by names_resolved.application_id

),

seats as (

    select * from contract_seats
    union all
    select * from servicenow_seats
    union all
    select * from snipeit_seats
    union all
    select * from graph_seats

),

contract_owners as (

    -- the largest contract in force speaks for the application, as on the applications mart
    select
        application_id,
        'contracts' as source_system,
        lower(trim(owner_email)) as owner_email,
        row_number() over (
            partition by application_id
            order by seats desc, end_date desc, contract_id asc
        ) as owner_rank
    from contracts
    where is_active and application_id is not null

),

servicenow_owners as (

    -- several CMDB records of one application: the one still in service, else the latest
    select
        names_resolved.application_id,
        'servicenow' as source_system,
        lower(trim(business_apps.business_owner_email)) as owner_email,
        row_number() over (
            partition by names_resolved.application_id
            order by
                coalesce(business_apps.install_status_label = 'Retired', false) asc,
                business_apps.updated_at desc,
                business_apps.business_app_id asc
        ) as owner_rank
    from business_apps
    inner join names_resolved
        on business_apps.business_app_name = names_resolved.application_name

),

owners as (

    select * from contract_owners
    union all
    select * from servicenow_owners

),

unioned as (

    select
        application_id,
        'seats_purchased' as attribute_name,
        source_system,
        cast(seats as varchar) as source_value,
        cast(seats as integer) as source_seats
    from seats

    union all

    select
        application_id,
        'business_owner_email' as attribute_name,
        source_system,
        owner_email as source_value,
        null as source_seats
    from owners
    where owner_rank = 1

)

select * from unioned
