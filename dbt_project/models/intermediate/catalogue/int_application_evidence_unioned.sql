with

spend_lines as (

    select * from {{ ref('int_spend_lines_converted') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

google_tokens as (

    -- the OAuth token events as the usage rollup keeps them, incrementally: the days each person
    -- used each app, not the log's every event (5.7 million at L, read again each refresh)
    select * from {{ ref('int_usage_events_rolled_up') }}
    where source_system = 'google_token'

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

signs as (

    -- each sign of the application with its days, and the person behind it where known

    select
        application_id,
        'spend' as source_system,
        cast(null as varchar) as user_key,
        [invoice_date] as evidence_dates
    from spend_lines

    union all

    select
        names_resolved.application_id,
        'google' as source_system,
        lower(google_tokens.user_name) as user_key,
        google_tokens.activity_dates as evidence_dates
    from google_tokens
    inner join names_resolved
        on google_tokens.application_ref = names_resolved.application_name

    union all

    select
        names_resolved.application_id,
        'graph' as source_system,
        lower(sign_ins.user_principal_name) as user_key,
        [cast(sign_ins.signed_in_at as date)] as evidence_dates
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
        lower(survey_responses.respondent_email) as user_key,
        [cast(survey_responses.submitted_at as date)] as evidence_dates
    from survey_responses
    inner join names_resolved
        on survey_responses.application_name = names_resolved.application_name

),

-- one row per application, source and person, with the days of their signs
evidence as (

    {{ days_merged_by(
        'signs', ['application_id', 'source_system', 'user_key'], 'evidence_dates'
    ) }}

),

final as (

    select
        application_id,
        source_system,
        user_key,
        evidence_dates
    from evidence

)

select * from final
