with

qualified_events as (

    select * from {{ ref('int_usage_events_qualified') }}

),

days as (

    -- the days of every source at once: a day two sources saw is one active day
    select
        application_id,
        user_key,
        {{ merged_days("activity_dates") }} as activity_dates,
        count(distinct source_system) as source_count
    from qualified_events
    group by application_id, user_key

),

activity as (

    -- the one aggregation of user-level activity every usage figure reads
    select
        application_id,
        user_key,
        source_count,
        activity_dates[1] as first_active_date,
        activity_dates[-1] as last_active_date,
        len(activity_dates) as active_day_count
    from days

),

classified as (

    select
        *,
        {{ is_service_account('activity.user_key') }} as is_service_account
    from activity

)

select * from classified
