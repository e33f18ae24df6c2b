with

okta_events as (

    select * from {{ ref('stg_okta__sso_events') }}

),

okta_users as (

    select * from {{ ref('stg_okta__users') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

graph_sign_ins as (

    select * from {{ ref('stg_graph__sign_ins') }}

),

graph_users as (

    select * from {{ ref('stg_graph__users') }}

),

google_tokens as (

    select * from {{ ref('stg_google__token_activities') }}

),

google_logins as (

    select * from {{ ref('stg_google__login_activities') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

application_keys as (

    -- names are resolved by match key, not by exact spelling, so a spelling only Entra ID or
    -- Google uses still finds the application another source named
    select distinct
        name_match_key,
        application_id
    from names_resolved

),

graph_applications as (

    select
        spellings.app_display_name,
        application_keys.application_id
    from (select distinct app_display_name from graph_sign_ins) as spellings
    inner join application_keys
        on {{ match_key('spellings.app_display_name') }} = application_keys.name_match_key

),

google_applications as (

    select
        spellings.oauth_app_name,
        application_keys.application_id
    from (select distinct oauth_app_name from google_tokens) as spellings
    inner join application_keys
        on {{ match_key('spellings.oauth_app_name') }} = application_keys.name_match_key

),

google_login_application as (

    select application_id
    from application_keys
    where name_match_key = {{ match_key("'" ~ var('google_login_application_name') ~ "'") }}

),

okta as (

    select
        'okta' as source_system,
        okta_apps.application_id,
        -- one person across identity providers is their e-mail address
        coalesce(
            lower(okta_users.email), lower(okta_events.user_login), 'okta:' || okta_events.user_id
        ) as user_key,
        cast(okta_events.published_at as date) as activity_date,
        okta_events.event_type,
        cast(null as varchar) as event_detail
    from okta_events
    inner join okta_apps
        on okta_events.okta_app_id = okta_apps.okta_app_id
    left join okta_users
        on okta_events.user_id = okta_users.user_id
    where okta_events.outcome_result = 'SUCCESS'

),

graph as (

    select
        'graph' as source_system,
        graph_applications.application_id,
        coalesce(
            lower(graph_users.email),
            lower(graph_sign_ins.user_principal_name),
            lower(graph_users.user_principal_name),
            'entra:' || graph_sign_ins.entra_user_id
        ) as user_key,
        cast(graph_sign_ins.signed_in_at as date) as activity_date,
        'sign_in' as event_type,
        graph_sign_ins.client_app_used as event_detail
    from graph_sign_ins
    inner join graph_applications
        on graph_sign_ins.app_display_name = graph_applications.app_display_name
    left join graph_users
        on graph_sign_ins.entra_user_id = graph_users.entra_user_id
    -- Entra's error code 0 is a successful sign-in, anything else a failure
    where graph_sign_ins.error_code = 0

),

google_token as (

    -- token events have no failure outcome: the event name (authorize, activity, deny, ...)
    -- says what happened, and the rules choose which names count
    select
        'google_token' as source_system,
        google_applications.application_id,
        lower(google_tokens.user_email) as user_key,
        cast(google_tokens.event_at as date) as activity_date,
        google_tokens.event_name as event_type,
        google_tokens.method_name as event_detail
    from google_tokens
    inner join google_applications
        on google_tokens.oauth_app_name = google_applications.oauth_app_name
    where google_tokens.user_email is not null

),

google_login as (

    -- a Google account login names no application: it is use of Google's own suite
    select
        'google_login' as source_system,
        google_login_application.application_id,
        lower(google_logins.user_email) as user_key,
        cast(google_logins.event_at as date) as activity_date,
        google_logins.event_name as event_type,
        google_logins.login_type as event_detail
    from google_logins
    cross join google_login_application
    where google_logins.user_email is not null

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

    -- one row per kind of event a user made on a day: the grain the rules and windows need,
    -- far smaller than the raw logs
    select
        source_system,
        application_id,
        user_key,
        activity_date,
        event_type,
        event_detail,
        count(*) as event_count
    from unioned
    where activity_date <= {{ as_of_date() }}
    group by all

)

select * from daily
