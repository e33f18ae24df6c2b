with

source as (

    select * from {{ source('files', 'contracts') }}

),

renamed as (

    select

        -- ids
        contract_id,

        -- strings
        vendor as vendor_name,
        product as product_name,
        category,
        sku,
        currency,
        billing_period,
        owner_email,

        -- numerics
        seats,
        unit_price,
        notice_period_days,

        -- booleans
        auto_renew as is_auto_renew,

        -- dates
        start_date,
        end_date,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
