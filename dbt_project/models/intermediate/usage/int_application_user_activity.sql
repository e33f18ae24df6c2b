with

qualified_events as (

    select * from {{ ref('int_usage_events_qualified') }}

),

-- the days of every source at once: a day two sources saw is one active day. The qualified
-- events hold one row per source of an application's user, so the rows merged are the sources
days as (

    {{ days_merged_by('qualified_events', ['application_id', 'user_key'], 'activity_dates') }}

),

activity as (

    -- the one aggregation of user-level activity every usage figure reads
    select
        application_id,
        user_key,
        merged_row_count as source_count,
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
