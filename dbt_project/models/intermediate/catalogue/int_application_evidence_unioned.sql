with

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

)

select * from evidence
