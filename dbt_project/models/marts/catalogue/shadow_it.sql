with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

spend_lines as (

    select * from {{ ref('int_spend_lines_converted') }}

),

evidence as (

    select * from {{ ref('int_application_evidence_unioned') }}

),

shadow_applications as (

    -- not managed by IT, yet seen by a source that is evidence (not only the objectives mapping)
    select *
    from applications
    where not is_sanctioned and source_count > 0

),

evidence_dated as (

    -- each person's signs up to the audit date
    select
        application_id,
        source_system,
        user_key,
        list_filter(evidence_dates, day -> day <= {{ as_of_date() }}) as evidence_dates
    from evidence

),

evidence_windowed as (

    -- the spend look-back window of the finance area also bounds the other evidence
    select
        *,
        list_max(evidence_dates) > {{ as_of_date() }} - {{ var('spend_lookback_days') }}
            as is_in_lookback
    from evidence_dated
    where len(evidence_dates) > 0

),

evidence_aggregated as (

    select
        application_id,
        min(list_min(evidence_dates)) as first_seen_date,
        max(list_max(evidence_dates)) as last_seen_date,
        bool_or(is_in_lookback) as has_recent_evidence,
        count(distinct user_key) filter (
            where source_system = 'google' and is_in_lookback
        ) as oauth_user_count,
        count(distinct user_key) filter (
            where source_system = 'graph' and is_in_lookback
        ) as entra_sign_in_user_count,
        count(distinct user_key) filter (
            where source_system = 'survey' and is_in_lookback
        ) as survey_respondent_count
    from evidence_windowed
    group by application_id

),

spend_aggregated as (

    select
        application_id,
        sum(amount_usd) filter (where is_in_lookback) as lookback_spend_usd,
        sum(amount_usd) filter (
            where is_in_lookback and payment_method = 'card'
        ) as lookback_card_spend_usd,
        count(*) filter (where is_in_lookback) as lookback_spend_line_count,
        bool_or(payment_method = 'card') filter (
            where invoice_date <= {{ as_of_date() }}
        ) as has_card_spend
    from spend_lines
    where application_id is not null
    group by application_id

),

final as (

    select
        -- ids
        shadow_applications.application_id,

        -- descriptions
        shadow_applications.application_name,
        shadow_applications.source_systems,

        -- flags
        coalesce(spend_aggregated.has_card_spend, false) as has_card_spend,
        coalesce(evidence_aggregated.has_recent_evidence, false) as has_recent_evidence,

        -- counts
        cast(shadow_applications.source_count as integer) as source_count,
        cast(coalesce(spend_aggregated.lookback_spend_line_count, 0) as integer)
            as lookback_spend_line_count,
        cast(coalesce(evidence_aggregated.oauth_user_count, 0) as integer) as oauth_user_count,
        cast(coalesce(evidence_aggregated.entra_sign_in_user_count, 0) as integer)
            as entra_sign_in_user_count,
        cast(coalesce(evidence_aggregated.survey_respondent_count, 0) as integer)
            as survey_respondent_count,

        -- amounts
        {{ money('coalesce(spend_aggregated.lookback_spend_usd, 0)') }} as lookback_spend_usd,
        {{ money('coalesce(spend_aggregated.lookback_card_spend_usd, 0)') }}
            as lookback_card_spend_usd,

        -- dates
        evidence_aggregated.first_seen_date,
        evidence_aggregated.last_seen_date

    from shadow_applications
    left join spend_aggregated
        on shadow_applications.application_id = spend_aggregated.application_id
    left join evidence_aggregated
        on shadow_applications.application_id = evidence_aggregated.application_id

)

select * from final
