with

application_objectives as (

    select * from {{ ref('stg_files__application_objectives') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

objectives as (

    select * from {{ ref('stg_files__objectives') }}

),

resolved as (

    -- two spellings of one application mapped to the same objective state one contribution,
    -- so the larger weight is kept rather than the sum
    select
        names_resolved.application_id,
        application_objectives.objective_id,
        max(application_objectives.contribution_weight) as contribution_weight
    from application_objectives
    inner join names_resolved
        on application_objectives.application_name = names_resolved.application_name
    inner join objectives
        on application_objectives.objective_id = objectives.objective_id
    group by names_resolved.application_id, application_objectives.objective_id

)

select * from resolved
