-- The application-to-objective mapping a refresh saw, in canonical application ids; the weights
-- are the business's input, independent of the audit date.
with

application_objectives as (

    select * from {{ ref('int_application_objectives_resolved') }}

),

observed as (

    select
        application_id,
        objective_id,
        contribution_weight
    from application_objectives

)

select * from observed
