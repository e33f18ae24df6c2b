{%- set windows = var('activity_windows_days') -%}

with

sso_events as (

    select * from {{ ref('stg_okta__sso_events') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

sign_ins as (

    select
        okta_apps.application_id,
        sso_events.user_id,
        cast(sso_events.published_at as date) as sign_in_date
    from sso_events
    inner join okta_apps
        on sso_events.okta_app_id = okta_apps.okta_app_id
    where
        sso_events.event_type = 'user.authentication.sso'
        and sso_events.outcome_result = 'SUCCESS'
        and cast(sso_events.published_at as date) <= {{ as_of_date() }}

),

windowed as (

    -- a window of n days is (as_of - n, as_of]: it ends with the audit day and holds n days
    select
        application_id,
        {% for days in windows -%}
            count(distinct user_id) filter (
                where sign_in_date > {{ as_of_date() }} - {{ days }}
            ) as active_users_{{ days }}d,
        {% endfor -%}
        count(distinct user_id) filter (
            where sign_in_date > {{ as_of_date() }} - {{ var('activity_window_days') }}
        ) as active_users
    from sign_ins
    group by application_id

)

select * from windowed
