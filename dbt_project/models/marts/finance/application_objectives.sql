with

application_objectives as (

    select * from {{ ref('int_application_objectives_valued') }}

),

objectives as (

    select * from {{ ref('int_objectives_converted') }}

),

allocations as (

    select * from {{ ref('int_application_costs_allocated') }}

),

final as (

    select
        -- ids
        application_objectives.application_id,
        application_objectives.objective_id,

        -- numerics
        application_objectives.contribution_weight,

        -- objective attributes
        objectives.owner_title,
        objectives.value_type,
        objectives.business_mode,

        -- amounts
        {{ money('application_objectives.attributed_annual_value_usd') }}
            as attributed_annual_value_usd,
        -- whole cents that add up to the application's published annual cost
        allocations.allocated_annual_cost_usd

    from application_objectives
    inner join objectives
        on application_objectives.objective_id = objectives.objective_id
    inner join allocations
        on
            application_objectives.application_id = allocations.application_id
            and application_objectives.objective_id = allocations.objective_id

)

select * from final
