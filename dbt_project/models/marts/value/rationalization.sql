with

application_roi as (

    select * from {{ ref('application_roi') }}

),

application_health as (

    select * from {{ ref('application_health') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

business_apps as (

    select * from {{ ref('int_business_apps_resolved') }}

),

signals as (

    select
        application_roi.application_id,
        application_roi.application_name,
        application_roi.annual_cost_usd,
        -- business value: benefit as a share of the benefit/cost multiple that scores in full
        case
            when application_roi.annual_benefit_usd = 0 then 0
            when application_roi.annual_cost_usd = 0 then 100
            else
                least(
                    application_roi.annual_benefit_usd
                    / (
                        application_roi.annual_cost_usd
                        * {{ var('time_full_value_benefit_cost_ratio') }}
                    ),
                    1
                )
                * 100
        end as value_score,
        -- adoption: active users against the larger of the seats bought and handed out
        license_utilization.active_users * 100.0
        / nullif(
            greatest(license_utilization.seats_purchased, license_utilization.seats_assigned), 0
        ) as adoption_ratio_pct,
        application_health.satisfaction_score,
        business_apps.life_cycle_stage,
        business_apps.life_cycle_score
    from application_roi
    inner join application_health
        on application_roi.application_id = application_health.application_id
    inner join license_utilization
        on application_roi.application_id = license_utilization.application_id
    left join business_apps
        on application_roi.application_id = business_apps.application_id

),

capped as (

    -- least() skips nulls in DuckDB, so the cap is spelt out: unknown adoption stays unknown
    select
        *,
        case when adoption_ratio_pct > 100 then 100 else adoption_ratio_pct end as adoption_score
    from signals

),

fitted as (

    select
        *,
        -- weighted means of the scores present: a missing one gives its weight to the other
        (
            coalesce(value_score * {{ var('time_value_weight') }}, 0)
            + coalesce(adoption_score * {{ var('time_adoption_weight') }}, 0)
        )
        / nullif(
            case
                when value_score is not null then {{ var('time_value_weight') }}
                else 0
            end
            + case
                when adoption_score is not null then {{ var('time_adoption_weight') }}
                else 0
            end,
            0
        ) as functional_fit_evidence,
        (
            coalesce(satisfaction_score * {{ var('time_satisfaction_weight') }}, 0)
            + coalesce(life_cycle_score * {{ var('time_life_cycle_weight') }}, 0)
        )
        / nullif(
            case
                when satisfaction_score is not null then {{ var('time_satisfaction_weight') }}
                else 0
            end
            + case
                when life_cycle_score is not null then {{ var('time_life_cycle_weight') }}
                else 0
            end,
            0
        ) as technical_fit_evidence
    from capped

),

scored as (

    select
        *,
        functional_fit_evidence is not null as has_functional_evidence,
        technical_fit_evidence is not null as has_technical_evidence,
        coalesce(functional_fit_evidence, {{ var('time_fit_without_evidence') }})
            as functional_fit_score,
        coalesce(technical_fit_evidence, {{ var('time_fit_without_evidence') }})
            as technical_fit_score
    from fitted

),

rounded as (

    -- the published scores are the ones compared with the thresholds, so a reader can check
    select
        application_id,
        application_name,
        life_cycle_stage,
        annual_cost_usd,
        has_functional_evidence,
        has_technical_evidence,
        cast(round(value_score, 2) as decimal(9, 2)) as value_score,
        cast(round(adoption_score, 2) as decimal(9, 2)) as adoption_score,
        cast(round(functional_fit_score, 2) as decimal(9, 2)) as functional_fit_score,
        cast(round(satisfaction_score, 2) as decimal(9, 2)) as satisfaction_score,
        cast(round(life_cycle_score, 2) as decimal(9, 2)) as life_cycle_score,
        cast(round(technical_fit_score, 2) as decimal(9, 2)) as technical_fit_score
    from scored

),

classified as (

    select
        *,
        functional_fit_score >= {{ var('time_functional_fit_threshold') }}
            as is_functional_fit_high,
        technical_fit_score >= {{ var('time_technical_fit_threshold') }}
            as is_technical_fit_high
    from rounded

),

final as (

    select
        -- ids
        application_id,

        -- strings
        application_name,
        life_cycle_stage,

        -- amounts
        annual_cost_usd,

        -- functional fit (0-100)
        value_score,
        adoption_score,
        functional_fit_score,
        has_functional_evidence,

        -- technical fit (0-100)
        satisfaction_score,
        life_cycle_score,
        technical_fit_score,
        has_technical_evidence,

        -- disposition
        case
            when is_functional_fit_high and is_technical_fit_high then 'Invest'
            when is_technical_fit_high then 'Tolerate'
            when is_functional_fit_high then 'Migrate'
            else 'Eliminate'
        end as time_disposition,
        concat_ws(
            '; ',
            case when is_functional_fit_high then 'high' else 'low' end
            || ' functional fit ' || functional_fit_score
            || ' (value ' || coalesce(cast(value_score as varchar), 'no data')
            || ', adoption ' || coalesce(cast(adoption_score as varchar), 'no data') || ')',
            case when is_technical_fit_high then 'high' else 'low' end
            || ' technical fit ' || technical_fit_score
            || ' (satisfaction ' || coalesce(cast(satisfaction_score as varchar), 'no data')
            || ', life cycle ' || coalesce(cast(life_cycle_score as varchar), 'no data') || ')',
            case
                when not has_technical_evidence
                    then 'no technical evidence: neutral technical fit assumed'
            end,
            case
                when not has_functional_evidence
                    then 'no functional evidence: neutral functional fit assumed'
            end
        ) as disposition_reason

    from classified

)

select * from final
