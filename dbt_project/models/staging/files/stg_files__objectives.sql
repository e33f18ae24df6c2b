with

source as (

    select * from {{ source('files', 'objectives') }}

),

renamed as (

    select

        -- ids
        objective_id,

        -- strings
        name as objective_name,
        owner_title,
        owner_name,
        value_type,
        business_mode,
        kpi,
        kpi_target,
        currency,
        start_quarter,

        -- numerics
        horizon_quarters,

        -- amounts
        annual_value,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
