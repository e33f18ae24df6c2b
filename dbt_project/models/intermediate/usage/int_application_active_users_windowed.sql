{%- set windows = var('activity_windows_days') -%}

with

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

settings as (

    select * from {{ ref('int_application_usage_settings_resolved') }}

),

people_activity as (

    -- service accounts are machines: their sign-ins are no one's use of the application
    select
        user_activity.application_id,
        user_activity.last_active_date,
        coalesce(
            settings.activity_window_days, {{ var('activity_window_days') }}
        ) as activity_window_days
    from user_activity
    left join settings
        on user_activity.application_id = settings.application_id
    where not coalesce(user_activity.is_service_account, false)

),

windowed as (

    -- a window of n days is (as_of - n, as_of]: it ends with the audit day and holds n days, so
    -- a user is active in it when their last qualifying day (never after as_of) falls inside
    select
        application_id,
        activity_window_days,
        {% for days in windows -%}
            count(*) filter (
                where last_active_date > {{ as_of_date() }} - {{ days }}
            ) as active_users_{{ days }}d,
        {% endfor -%}
        count(*) filter (
            where last_active_date > {{ as_of_date() }} - activity_window_days
        ) as active_users
    from people_activity
    group by application_id, activity_window_days

)

select * from windowed
