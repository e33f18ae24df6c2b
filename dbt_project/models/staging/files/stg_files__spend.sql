with

source as (

    select * from {{ source('files', 'spend') }}

),

renamed as (

    select

        -- ids
        line_id as spend_line_id,
        invoice_id,

        -- strings
        vendor as vendor_name,
        product as product_name,
        description,
        currency,
        cost_center,
        payment_method,

        -- amounts
        amount,

        -- dates
        invoice_date,
        service_period_start,
        service_period_end,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
