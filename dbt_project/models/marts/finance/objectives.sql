with

objectives as (

    select * from {{ ref('int_objectives_converted') }}

),

allocations as (

    select * from {{ ref('int_application_costs_allocated') }}

),

objective_costs as (

    select
        objective_id,
        count(distinct application_id) as application_count,
        sum(allocated_annual_cost_usd) as allocated_annual_cost_usd
    from allocations
    where is_aligned
    group by objective_id

),

total_spend as (

    -- every application's cost is allocated exactly once (to objectives or unaligned)
    select sum(allocated_annual_cost_usd) as total_annual_spend_usd
    from allocations

),

final as (

    select
        -- ids
        objectives.objective_id,

        -- strings
        objectives.objective_name,
        objectives.owner_title,
        {{ owner_contact('objectives.owner_name') }} as owner_name,
        objectives.value_type,
        objectives.business_mode,
        objectives.kpi,
        objectives.kpi_target,
        objectives.start_quarter,
        objectives.currency,

        -- numerics
        cast(objectives.horizon_quarters as integer) as horizon_quarters,

        -- amounts
        {{ money('objectives.annual_value') }} as annual_value,
        {{ money('objectives.annual_value_usd') }} as annual_value_usd,

        -- alignment
        cast(coalesce(objective_costs.application_count, 0) as integer) as application_count,
        cast(coalesce(objective_costs.allocated_annual_cost_usd, 0) as decimal(18, 2))
            as allocated_annual_cost_usd,
        cast(
            round(
                100 * coalesce(objective_costs.allocated_annual_cost_usd, 0)
                / nullif(total_spend.total_annual_spend_usd, 0),
                2
            ) as decimal(9, 2)
        ) as spend_share_pct

    from objectives
    left join objective_costs
        on objectives.objective_id = objective_costs.objective_id
    cross join total_spend

)

select * from final
