{#- Satisfaction (1-5) rescaled to 0-100: 1 gives 0, 5 gives 100. -#}
{%- set lowest_score, highest_score = 1, 5 -%}

with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

satisfaction as (

    select * from {{ ref('int_application_satisfaction_aggregated') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

scored as (

    select
        applications.application_id,
        applications.application_name,
        satisfaction.satisfaction_mean,
        satisfaction.active_satisfaction_mean,
        satisfaction.inactive_satisfaction_mean,
        license_utilization.utilization_pct,
        coalesce(satisfaction.response_count, 0) as response_count,
        coalesce(satisfaction.known_user_count, 0) as known_user_count,
        coalesce(satisfaction.known_respondent_count, 0) as known_respondent_count,
        coalesce(satisfaction.active_response_count, 0) as active_response_count,
        coalesce(satisfaction.inactive_response_count, 0) as inactive_response_count,
        (satisfaction.satisfaction_mean - {{ lowest_score }}) * 100.0
        / ({{ highest_score }} - {{ lowest_score }}) as satisfaction_score,
        -- least() skips nulls in DuckDB: an unknown utilization must stay unknown
        case
            when license_utilization.utilization_pct > 100 then 100
            else license_utilization.utilization_pct
        end as utilization_score
    from applications
    left join satisfaction
        on applications.application_id = satisfaction.application_id
    left join license_utilization
        on applications.application_id = license_utilization.application_id

),

weighted as (

    select
        *,
        -- a missing component hands its weight to the other; with neither there is no score
        (
            coalesce(satisfaction_score * {{ var('health_satisfaction_weight') }}, 0)
            + coalesce(utilization_score * {{ var('health_utilization_weight') }}, 0)
        )
        / nullif(
            case
                when satisfaction_score is not null
                    then {{ var('health_satisfaction_weight') }}
                else 0
            end
            + case
                when utilization_score is not null
                    then {{ var('health_utilization_weight') }}
                else 0
            end,
            0
        ) as health_score
    from scored

),

final as (

    select
        -- ids
        application_id,

        -- strings
        application_name,

        -- survey
        cast(response_count as integer) as response_count,
        cast(known_user_count as integer) as known_user_count,
        cast(known_respondent_count as integer) as known_respondent_count,
        cast(
            round(known_respondent_count * 100.0 / nullif(known_user_count, 0), 2)
            as decimal(9, 2)
        ) as response_rate_pct,
        cast(round(satisfaction_mean, 2) as decimal(9, 2)) as satisfaction_mean,
        cast(active_response_count as integer) as active_response_count,
        cast(round(active_satisfaction_mean, 2) as decimal(9, 2)) as active_satisfaction_mean,
        cast(inactive_response_count as integer) as inactive_response_count,
        cast(round(inactive_satisfaction_mean, 2) as decimal(9, 2))
            as inactive_satisfaction_mean,

        -- scores (0-100)
        cast(round(satisfaction_score, 2) as decimal(9, 2)) as satisfaction_score,
        utilization_pct,
        cast(round(health_score, 2) as decimal(9, 2)) as health_score

    from weighted

)

select * from final
