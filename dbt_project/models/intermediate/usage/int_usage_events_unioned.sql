{#- A view: a step of the one computation int_application_user_activity materializes. Written
    as a table, its 1 to 1.5 million rows (scale L) were written, read back and tested again
    each day; its logic is pinned by its unit tests, its grain by days_merged_by. -#}
{{ config(materialized='view') }}

with

events as (

    -- the event logs already rolled up, incrementally, into the days each source's user did each
    -- thing: a row per user and kind of event, not per day; the days after as_of_date are left out
    select
        source_system,
        application_ref,
        user_id,
        user_name,
        event_type,
        event_detail,
        -- a list ends with its last day (the rollup's data test): most end by as_of_date and
        -- are kept whole, not filtered day by day
        case
            when activity_dates[-1] <= {{ as_of_date() }} then activity_dates
            else list_filter(activity_dates, day -> day <= {{ as_of_date() }})
        end as activity_dates
    from {{ ref('int_usage_events_rolled_up') }}
    where is_successful and list_min(activity_dates) <= {{ as_of_date() }}

),

okta_users as (

    select * from {{ ref('int_okta_users_replayed') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

graph_users as (

    select * from {{ ref('stg_graph__users') }}

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
    from (
        select distinct application_ref as app_display_name from events
        where source_system = 'graph'
    ) as spellings
    inner join application_keys
        on {{ match_key('spellings.app_display_name') }} = application_keys.name_match_key

),

google_applications as (

    select
        spellings.oauth_app_name,
        application_keys.application_id
    from (
        select distinct application_ref as oauth_app_name from events
        where source_system = 'google_token'
    ) as spellings
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
        events.source_system,
        okta_apps.application_id,
        -- one person across identity providers is their e-mail address
        coalesce(
            lower(okta_users.email), lower(events.user_name), 'okta:' || events.user_id
        ) as user_key,
        events.event_type,
        events.event_detail,
        events.activity_dates
    from events
    inner join okta_apps
        on events.application_ref = okta_apps.okta_app_id
    left join okta_users
        on events.user_id = okta_users.user_id
    where events.source_system = 'okta'

),

graph as (

    select
        events.source_system,
        graph_applications.application_id,
        coalesce(
            lower(graph_users.email),
            lower(events.user_name),
            lower(graph_users.user_principal_name),
            'entra:' || events.user_id
        ) as user_key,
        events.event_type,
        events.event_detail,
        events.activity_dates
    from events
    inner join graph_applications
        on events.application_ref = graph_applications.app_display_name
    left join graph_users
        on events.user_id = graph_users.entra_user_id
    where events.source_system = 'graph'

),

google_token as (

    -- every event name is kept: the rules choose which names count
    select
        events.source_system,
        google_applications.application_id,
        lower(events.user_name) as user_key,
        events.event_type,
        events.event_detail,
        events.activity_dates
    from events
    inner join google_applications
        on events.application_ref = google_applications.oauth_app_name
    where events.source_system = 'google_token' and events.user_name is not null

),

google_login as (

    -- a Google account login names no application: it is use of Google's own suite
    select
        events.source_system,
        google_login_application.application_id,
        lower(events.user_name) as user_key,
        events.event_type,
        events.event_detail,
        events.activity_dates
    from events
    cross join google_login_application
    where events.source_system = 'google_login' and events.user_name is not null

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

-- one row per kind of event a user made with an application, with the days they made it:
-- several source spellings of one application or person become one row
resolved as (

    {{ days_merged_by(
        'unioned',
        ['source_system', 'application_id', 'user_key', 'event_type', 'event_detail'],
        'activity_dates'
    ) }}

),

final as (

    select
        source_system,
        application_id,
        user_key,
        event_type,
        event_detail,
        activity_dates
    from resolved

)

select * from final
