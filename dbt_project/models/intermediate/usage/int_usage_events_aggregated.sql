{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['source_system', 'activity_date'],
        on_schema_change='fail',
    )
}}

with

okta_events as (

    select * from {{ ref('stg_okta__sso_events') }}

),

graph_sign_ins as (

    select * from {{ ref('stg_graph__sign_ins') }}

),

google_tokens as (

    select * from {{ ref('stg_google__token_activities') }}

),

google_logins as (

    select * from {{ ref('stg_google__login_activities') }}

),

okta as (

    select
        'okta' as source_system,
        okta_app_id as application_ref,
        user_id,
        user_login as user_name,
        cast(published_at as date) as activity_date,
        event_type,
        cast(null as varchar) as event_detail,
        coalesce(outcome_result = 'SUCCESS', false) as is_successful,
        loaded_at
    from okta_events
    {% if is_incremental() -%}
        where cast(published_at as date) in (
            {{ reloaded_days('okta_events', 'published_at', 'okta') }}
        )
    {%- endif %}

),

graph as (

    select
        'graph' as source_system,
        app_display_name as application_ref,
        entra_user_id as user_id,
        user_principal_name as user_name,
        cast(signed_in_at as date) as activity_date,
        'sign_in' as event_type,
        client_app_used as event_detail,
        -- Entra's error code 0 is a successful sign-in, anything else a failure
        coalesce(error_code = 0, false) as is_successful,
        loaded_at
    from graph_sign_ins
    {% if is_incremental() -%}
        where cast(signed_in_at as date) in (
            {{ reloaded_days('graph_sign_ins', 'signed_in_at', 'graph') }}
        )
    {%- endif %}

),

google_token as (

    -- token events have no failure outcome: the event name says what happened
    select
        'google_token' as source_system,
        oauth_app_name as application_ref,
        cast(null as varchar) as user_id,
        user_email as user_name,
        cast(event_at as date) as activity_date,
        event_name as event_type,
        method_name as event_detail,
        true as is_successful,
        loaded_at
    from google_tokens
    {% if is_incremental() -%}
        where cast(event_at as date) in (
            {{ reloaded_days('google_tokens', 'event_at', 'google_token') }}
        )
    {%- endif %}

),

google_login as (

    select
        'google_login' as source_system,
        cast(null as varchar) as application_ref,
        cast(null as varchar) as user_id,
        user_email as user_name,
        cast(event_at as date) as activity_date,
        event_name as event_type,
        login_type as event_detail,
        true as is_successful,
        loaded_at
    from google_logins
    {% if is_incremental() -%}
        where cast(event_at as date) in (
            {{ reloaded_days('google_logins', 'event_at', 'google_login') }}
        )
    {%- endif %}

),

unioned as (

    select * from okta
    union all
    select * from graph
    union all
    select * from google_token
    union all
    select * from google_login

),

daily as (

    -- one row per kind of event a source's user made on a day, as the source names them:
    -- resolving applications and people is left to int_usage_events_unioned, so a changed
    -- inventory applies to every day without re-reading the event logs
    select
        source_system,
        application_ref,
        user_id,
        user_name,
        activity_date,
        event_type,
        event_detail,
        is_successful,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from unioned
    group by all

)

select * from daily
