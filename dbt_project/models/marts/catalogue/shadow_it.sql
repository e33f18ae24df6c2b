with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

spend_lines as (

    select * from {{ ref('int_spend_lines_converted') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

token_activities as (

    select * from {{ ref('stg_google__token_activities') }}

),

sign_ins as (

    select * from {{ ref('stg_graph__sign_ins') }}

),

service_principals as (

    select * from {{ ref('stg_graph__service_principals') }}

),

survey_responses as (

    select * from {{ ref('stg_files__survey_responses') }}

),

shadow_applications as (

    -- not managed by IT, yet seen by a source that is evidence (not only the objectives mapping)
    select *
    from applications
    where not is_sanctioned and source_count > 0

),

evidence as (

    -- one row per dated sign of the application, with the person behind it where known

    select
        application_id,
        'spend' as source_system,
        invoice_date as evidence_date,
        null as user_key
    from spend_lines

    union all

    select
        names_resolved.application_id,
        'google' as source_system,
        cast(token_activities.event_at as date) as evidence_date,
        lower(token_activities.user_email) as user_key
    from token_activities
    inner join names_resolved
        on token_activities.oauth_app_name = names_resolved.application_name

    union all

    select
        names_resolved.application_id,
        'graph' as source_system,
        cast(sign_ins.signed_in_at as date) as evidence_date,
        lower(sign_ins.user_principal_name) as user_key
    from sign_ins
    inner join service_principals
        on sign_ins.app_id = service_principals.app_id
    inner join names_resolved
        on service_principals.service_principal_name = names_resolved.application_name
    -- error code 0 is a successful sign-in; Microsoft's own apps are the platform, not shadow IT
    where
        sign_ins.error_code = 0
        and coalesce(service_principals.app_owner_tenant_id, '') not in (
            {% for tenant in var('entra_first_party_tenant_ids') -%}
                '{{ tenant }}'{{ ',' if not loop.last }}
            {% endfor -%}
        )

    union all

    select
        names_resolved.application_id,
        'survey' as source_system,
        cast(survey_responses.submitted_at as date) as evidence_date,
        lower(survey_responses.respondent_email) as user_key
    from survey_responses
    inner join names_resolved
        on survey_responses.application_name = names_resolved.application_name

),

evidence_windowed as (

    -- the spend look-back window of the finance area also bounds the other evidence
    select
        *,
        evidence_date > {{ as_of_date() }} - {{ var('spend_lookback_days') }} as is_in_lookback
    from evidence
    where evidence_date <= {{ as_of_date() }}

),

evidence_aggregated as (

    select
        application_id,
        min(evidence_date) as first_seen_date,
        max(evidence_date) as last_seen_date,
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
