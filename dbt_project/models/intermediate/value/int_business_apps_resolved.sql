with

business_apps as (

    select * from {{ ref('stg_servicenow__business_apps') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

life_cycle_scores as (

    select * from {{ ref('life_cycle_scores') }}

),

match_keys as (

    -- a CMDB spelling no other source used still finds its application through the match key
    select
        name_match_key,
        min(application_id) as application_id
    from names_resolved
    group by name_match_key

),

resolved as (

    select
        business_apps.business_app_id,
        business_apps.business_app_name,
        business_apps.life_cycle_stage,
        business_apps.operational_status_label,
        business_apps.updated_at,
        life_cycle_scores.technical_score as life_cycle_score,
        coalesce(names_resolved.application_id, match_keys.application_id) as application_id
    from business_apps
    left join names_resolved
        on business_apps.business_app_name = names_resolved.application_name
    left join match_keys
        on {{ match_key('business_apps.business_app_name') }} = match_keys.name_match_key
    left join life_cycle_scores
        on business_apps.life_cycle_stage = life_cycle_scores.life_cycle_stage

),

ranked as (

    -- several CMDB records of one application: the one with a scored stage, last updated, speaks
    select
        *,
        row_number() over (
            partition by application_id
            order by life_cycle_score is null, updated_at desc, business_app_id asc
        ) as record_rank
    from resolved
    where application_id is not null

),

final as (

    select
        application_id,
        business_app_id,
        business_app_name,
        life_cycle_stage,
        operational_status_label,
        life_cycle_score
    from ranked
    where record_rank = 1

)

select * from final
