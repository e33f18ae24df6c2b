with

qualified_events as (

    select * from {{ ref('int_usage_events_qualified') }}

),

activity as (

    -- the one aggregation of user-level activity every usage figure reads
    select
        application_id,
        user_key,
        min(activity_date) as first_active_date,
        max(activity_date) as last_active_date,
        count(distinct activity_date) as active_day_count,
        count(distinct source_system) as source_count
    from qualified_events
    group by application_id, user_key

),

classified as (

    select
        *,
        {{ is_service_account('activity.user_key') }} as is_service_account
    from activity

)

select * from classified
