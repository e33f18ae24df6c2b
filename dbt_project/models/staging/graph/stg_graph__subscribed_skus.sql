with

source as (

    select * from {{ source('graph', 'subscribed_skus') }}

),

renamed as (

    select

        -- ids
        id as subscribed_sku_id,
        sku_id,

        -- strings
        sku_part_number,
        applies_to,
        capability_status,
        payload as sku_payload,

        -- numerics
        consumed_units,
        prepaid_units_enabled as enabled_units,
        prepaid_units_warning as warning_units,
        prepaid_units_suspended as suspended_units,
        prepaid_units_locked_out as locked_out_units,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
