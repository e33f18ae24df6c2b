{%- set windows = var('activity_windows_days') -%}

with

assignments as (

    select * from {{ ref('int_application_assignments_filtered') }}

),

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

settings as (

    select * from {{ ref('int_application_usage_settings_resolved') }}

),

service_accounts as (

    -- judged once per person, not once per seat: a person holds many seats, and the patterns
    -- are matched one by one (scale L: 1.5 million seats, 47,000 people)
    select
        user_keys.user_key,
        {{ is_service_account('user_keys.user_key') }} as is_service_account
    from (select distinct user_key from assignments) as user_keys

),

seats as (

    select
        assignments.application_id,
        assignments.user_id,
        assignments.user_key,
        cast(assignments.provisioned_at as date) as provisioned_date,
        user_activity.first_active_date,
        user_activity.last_active_date,
        coalesce(
            settings.activity_window_days, {{ var('activity_window_days') }}
        ) as activity_window_days,
        coalesce(settings.is_birthright, false) as is_birthright,
        coalesce(service_accounts.is_service_account, false) as is_service_account,
        -- a seat handed out within the grace period has not had a fair chance to be used
        coalesce(
            cast(assignments.provisioned_at as date)
            > {{ as_of_date() }} - {{ var('new_seat_grace_days') }},
            false
        ) as is_recently_provisioned
    from assignments
    left join user_activity
        on
            assignments.application_id = user_activity.application_id
            and assignments.user_key = user_activity.user_key
    left join settings
        on assignments.application_id = settings.application_id
    left join service_accounts
        on assignments.user_key = service_accounts.user_key

),

classified as (

    select
        application_id,
        user_id,
        user_key,
        provisioned_date,
        first_active_date,
        last_active_date,
        activity_window_days,
        is_service_account,
        is_recently_provisioned,
        is_birthright,
        is_service_account or is_recently_provisioned or is_birthright as is_exempt,
        case
            when is_service_account then 'service_account'
            when is_birthright then 'birthright'
            when is_recently_provisioned then 'recently_provisioned'
        end as exemption_reason,
        -- the same windows as the active-user counts; a service account is never an active user
        not is_service_account
        and coalesce(last_active_date > {{ as_of_date() }} - activity_window_days, false)
            as is_active,
        {% for days in windows -%}
            not is_service_account
            and coalesce(last_active_date > {{ as_of_date() }} - {{ days }}, false)
                as is_active_{{ days }}d,
        {% endfor -%}
        last_active_date is null as is_never_active
    from seats

)

select * from classified
