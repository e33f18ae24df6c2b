with

application_objectives as (

    select * from {{ ref('int_application_objectives_valued') }}

),

objectives as (

    select * from {{ ref('int_objectives_converted') }}

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
        {{ money('application_objectives.allocated_annual_cost_usd') }}
            as allocated_annual_cost_usd

    from application_objectives
    inner join objectives
        on application_objectives.objective_id = objectives.objective_id

)

select * from final
