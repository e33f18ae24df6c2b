with

subscribed_skus as (

    select * from {{ ref('stg_graph__subscribed_skus') }}

),

sku_applications as (

    select * from {{ ref('entra_sku_applications') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

application_keys as (

    select distinct
        name_match_key,
        application_id
    from names_resolved

),

resolved as (

    -- a SKU the seed does not map, or maps to an application the catalogue does not know, is
    -- left out: its units cannot be set against any application's use
    select
        subscribed_skus.sku_id,
        subscribed_skus.sku_part_number,
        application_keys.application_id,
        subscribed_skus.enabled_units,
        subscribed_skus.consumed_units,
        coalesce(sku_applications.contract_sku, subscribed_skus.sku_part_number) as sku
    from subscribed_skus
    inner join sku_applications
        on subscribed_skus.sku_part_number = sku_applications.sku_part_number
    inner join application_keys
        on {{ match_key('sku_applications.application_name') }} = application_keys.name_match_key

)

select * from resolved
