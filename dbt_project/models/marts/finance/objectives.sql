with

objectives as (

    select * from {{ ref('int_objectives_converted') }}

),

final as (

    select
        -- ids
        objective_id,

        -- strings
        objective_name,
        owner_title,
        owner_name,
        value_type,
        business_mode,
        kpi,
        kpi_target,
        start_quarter,
        currency,

        -- numerics
        cast(horizon_quarters as integer) as horizon_quarters,

        -- amounts
        {{ money('annual_value') }} as annual_value,
        {{ money('annual_value_usd') }} as annual_value_usd

    from objectives

)

select * from final
