with

objectives as (

    select * from {{ ref('objectives') }}

),

application_objectives as (

    select * from {{ ref('application_objectives') }}

),

applications as (

    select * from {{ ref('applications') }}

),

served as (

    -- sums of the published, rounded per-link figures, so the marts reconcile to the cent
    select
        application_objectives.objective_id,
        count(*) as application_count,
        string_agg(applications.application_name, ', ' order by applications.application_name)
            as application_names,
        sum(application_objectives.contribution_weight) as total_contribution_weight,
        sum(application_objectives.attributed_annual_value_usd) as attributed_annual_value_usd,
        sum(application_objectives.allocated_annual_cost_usd) as allocated_annual_cost_usd
    from application_objectives
    inner join applications
        on application_objectives.application_id = applications.application_id
    group by application_objectives.objective_id

),

final as (

    select
        -- ids
        objectives.objective_id,

        -- strings
        objectives.objective_name,
        objectives.owner_title,
        objectives.value_type,
        objectives.business_mode,
        served.application_names,

        -- numerics
        cast(coalesce(served.application_count, 0) as integer) as application_count,
        cast(coalesce(served.total_contribution_weight, 0) as decimal(9, 4))
            as total_contribution_weight,

        -- amounts
        objectives.annual_value_usd,
        cast(coalesce(served.attributed_annual_value_usd, 0) as decimal(18, 2))
            as attributed_annual_value_usd,
        cast(coalesce(served.allocated_annual_cost_usd, 0) as decimal(18, 2))
            as allocated_annual_cost_usd,
        cast(
            coalesce(served.attributed_annual_value_usd, 0)
            - coalesce(served.allocated_annual_cost_usd, 0)
            as decimal(18, 2)
        ) as net_annual_benefit_usd,

        -- ratios
        cast(
            round(
                (served.attributed_annual_value_usd - served.allocated_annual_cost_usd)
                / nullif(served.allocated_annual_cost_usd, 0),
                4
            ) as decimal(18, 4)
        ) as roi_ratio,
        cast(
            round(
                served.allocated_annual_cost_usd
                / nullif(served.attributed_annual_value_usd / 12, 0),
                2
            ) as decimal(18, 2)
        ) as payback_months

    from objectives
    left join served
        on objectives.objective_id = served.objective_id

)

select * from final
