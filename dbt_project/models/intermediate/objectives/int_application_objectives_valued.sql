with

application_objectives as (

    select * from {{ ref('int_application_objectives_resolved') }}

),

objectives as (

    select * from {{ ref('int_objectives_converted') }}

),

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

weighted as (

    select
        application_objectives.application_id,
        application_objectives.objective_id,
        application_objectives.contribution_weight,
        costs.annual_cost_usd as application_annual_cost_usd,
        objectives.annual_value_usd * application_objectives.contribution_weight
            as attributed_annual_value_usd,
        sum(application_objectives.contribution_weight) over (
            partition by application_objectives.application_id
        ) as application_total_weight,
        count(*) over (
            partition by application_objectives.application_id
        ) as application_objective_count
    from application_objectives
    inner join objectives
        on application_objectives.objective_id = objectives.objective_id
    inner join costs
        on application_objectives.application_id = costs.application_id

),

valued as (

    select
        application_id,
        objective_id,
        contribution_weight,
        attributed_annual_value_usd,
        -- an application mapped only with zero weights splits its cost evenly
        case
            when application_total_weight > 0
                then application_annual_cost_usd * contribution_weight / application_total_weight
            else application_annual_cost_usd / application_objective_count
        end as allocated_annual_cost_usd
    from weighted

)

select * from valued
