{%- set windows = var('activity_windows_days') -%}

with

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

windowed as (

    -- a window of n days is (as_of - n, as_of]: it ends with the audit day and holds n days, so
    -- a user is active in it when their last qualifying day (never after as_of) falls inside
    select
        application_id,
        {% for days in windows -%}
            count(*) filter (
                where last_active_date > {{ as_of_date() }} - {{ days }}
            ) as active_users_{{ days }}d,
        {% endfor -%}
        count(*) filter (
            where last_active_date > {{ as_of_date() }} - {{ var('activity_window_days') }}
        ) as active_users
    from user_activity
    group by application_id

)

select * from windowed
