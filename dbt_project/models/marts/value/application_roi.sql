with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

application_objectives as (

    select * from {{ ref('int_application_objectives_valued') }}

),

benefits as (

    select
        application_id,
        sum(attributed_annual_value_usd) as annual_benefit_usd,
        count(*) as objective_count
    from application_objectives
    group by application_id

),

valued as (

    select
        applications.application_id,
        applications.application_name,
        costs.annual_cost_usd,
        coalesce(benefits.annual_benefit_usd, 0) as annual_benefit_usd,
        coalesce(benefits.objective_count, 0) as objective_count
    from applications
    inner join costs
        on applications.application_id = costs.application_id
    left join benefits
        on applications.application_id = benefits.application_id

),

final as (

    select
        -- ids
        application_id,

        -- strings
        application_name,

        -- amounts
        {{ money('annual_cost_usd') }} as annual_cost_usd,
        {{ money('annual_benefit_usd') }} as annual_benefit_usd,
        {{ money('annual_benefit_usd - annual_cost_usd') }} as net_annual_benefit_usd,

        -- ratios
        cast(
            round((annual_benefit_usd - annual_cost_usd) / nullif(annual_cost_usd, 0), 4)
            as decimal(18, 4)
        ) as roi_ratio,
        cast(
            round(annual_cost_usd / nullif(annual_benefit_usd / 12, 0), 2) as decimal(18, 2)
        ) as payback_months,

        -- numerics
        cast(objective_count as integer) as objective_count

    from valued

)

select * from final
