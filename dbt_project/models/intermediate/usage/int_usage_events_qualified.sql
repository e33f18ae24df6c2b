{#- A view: a step of the one computation int_application_user_activity materializes. Written
    as a table, its 1 to 1.5 million rows (scale L) were written, read back and tested again
    each day; its logic is pinned by its unit tests, its grain by days_merged_by. -#}
{{ config(materialized='view') }}

with

events as (

    select * from {{ ref('int_usage_events_unioned') }}

),

rules as (

    select * from {{ ref('qualifying_event_rules') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

application_keys as (

    select distinct
        name_match_key,
        application_id
    from names_resolved

),

rules_resolved as (

    -- a rule naming an application the catalogue does not know applies to nothing
    select
        application_keys.application_id,
        rules.source_system,
        rules.event_detail_pattern,
        coalesce(rules.event_type_pattern, '%') as event_type_pattern
    from rules
    left join application_keys
        on {{ match_key('rules.application_name') }} = application_keys.name_match_key
    where rules.application_name is null or application_keys.application_id is not null

),

applications_with_rules as (

    select distinct application_id
    from rules_resolved
    where application_id is not null

),

matched as (

    -- an application's own rules replace the default ones (rules without an application);
    -- an event matching several rules is still one event: a semi join keeps each event once
    -- (a `select distinct` of the events did too, at the cost of comparing their lists of days)
    select
        events.source_system,
        events.application_id,
        events.user_key,
        events.activity_dates
    from events
    left join applications_with_rules
        on events.application_id = applications_with_rules.application_id
    semi join rules_resolved
        on
            events.source_system = rules_resolved.source_system
            and events.event_type like rules_resolved.event_type_pattern
            and (
                rules_resolved.event_detail_pattern is null
                or events.event_detail like rules_resolved.event_detail_pattern
            )
            and (
                events.application_id = rules_resolved.application_id
                or (
                    rules_resolved.application_id is null
                    and applications_with_rules.application_id is null
                )
            )

),

qualified as (

    {{ days_merged_by(
        'matched', ['application_id', 'user_key', 'source_system'], 'activity_dates'
    ) }}

),

final as (

    select
        application_id,
        user_key,
        source_system,
        activity_dates
    from qualified

)

select * from final
