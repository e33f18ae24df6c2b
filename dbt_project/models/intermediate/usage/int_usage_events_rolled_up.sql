{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='usage_key',
        on_schema_change='fail',
        pre_hook="drop table if exists {{ this.schema }}.int_usage_events_aggregated",
        post_hook="delete from {{ this }} where len(activity_dates) = 0",
    )
}}

{#- One row per thing a source's user did with an application reference, with the days they did
    it as a list: the event logs hold one row per event and a user signs in to an application about
    once a day, so a row per day was nearly as large as the logs, and every model after it, and
    every test, scanned the whole history each day. With the days in a list the history is one
    row per source, application reference, user and kind of event, 20 times fewer, and a daily
    run rewrites only the rows of users active on the days it re-reads. It replaces
    int_usage_events_aggregated, the rollup by day, whose table the pre-hook drops from warehouses
    built before. -#}

with

okta_events as (

    select * from {{ ref('stg_okta__sso_events') }}

),

graph_sign_ins as (

    select * from {{ ref('stg_graph__sign_ins') }}

),

google_tokens as (

    select * from {{ ref('stg_google__token_activities') }}

),

google_logins as (

    select * from {{ ref('stg_google__login_activities') }}

),

okta as (

    select
        'okta' as source_system,
        okta_app_id as application_ref,
        user_id,
        user_login as user_name,
        event_type,
        cast(null as varchar) as event_detail,
        coalesce(outcome_result = 'SUCCESS', false) as is_successful,
        list_sort(list_distinct(list(cast(published_at as date)))) as activity_dates,
        max(loaded_at) as loaded_at
    from okta_events
    {% if is_incremental() -%}
        where {{ reloaded_days_filter(ref('stg_okta__sso_events'), 'published_at', 'okta') }}
    {%- endif %}
    group by all

),

graph as (

    select
        'graph' as source_system,
        app_display_name as application_ref,
        entra_user_id as user_id,
        user_principal_name as user_name,
        'sign_in' as event_type,
        client_app_used as event_detail,
        -- Entra's error code 0 is a successful sign-in, anything else a failure
        coalesce(error_code = 0, false) as is_successful,
        list_sort(list_distinct(list(cast(signed_in_at as date)))) as activity_dates,
        max(loaded_at) as loaded_at
    from graph_sign_ins
    {% if is_incremental() -%}
        where {{ reloaded_days_filter(ref('stg_graph__sign_ins'), 'signed_in_at', 'graph') }}
    {%- endif %}
    group by all

),

google_token as (

    -- token events have no failure outcome: the event name says what happened
    select
        'google_token' as source_system,
        oauth_app_name as application_ref,
        cast(null as varchar) as user_id,
        user_email as user_name,
        event_name as event_type,
        method_name as event_detail,
        true as is_successful,
        list_sort(list_distinct(list(cast(event_at as date)))) as activity_dates,
        max(loaded_at) as loaded_at
    from google_tokens
    {% if is_incremental() -%}
        where {{
            reloaded_days_filter(ref('stg_google__token_activities'), 'event_at', 'google_token')
        }}
    {%- endif %}
    group by all

),

google_login as (

    select
        'google_login' as source_system,
        cast(null as varchar) as application_ref,
        cast(null as varchar) as user_id,
        user_email as user_name,
        event_name as event_type,
        login_type as event_detail,
        true as is_successful,
        list_sort(list_distinct(list(cast(event_at as date)))) as activity_dates,
        max(loaded_at) as loaded_at
    from google_logins
    {% if is_incremental() -%}
        where {{
            reloaded_days_filter(ref('stg_google__login_activities'), 'event_at', 'google_login')
        }}
    {%- endif %}
    group by all

),

read as (

    -- each log rolled up on its own columns, then stacked: grouping the stacked events instead put
    -- each source's constant name and null columns in every event's key (scale L, 40 million
    -- events: 9.9 -> 9.0 s, the same rows, checked with `except all`). The days read are lists:
    -- every day in a full build, else the days (re)loaded since. One aggregate straight from the
    -- events, not a rollup by day first: grouping by day made a group per user and day (20
    -- million for 90 days at scale L) before the groups by what a user did (1.25 million); the
    -- same rows, 3.2 -> 1.3 s and 1.3 -> 0.36 GB of peak memory at scale M over 181 days. A
    -- backfill of 90 days at scale L still needs more than DuckDB's default 2 GiB here (see the
    -- README's backfills): DuckDB 1.5 cannot spill a list aggregate's states (duckdb/duckdb#24499
    -- spills them, after 1.5), and keeps them until the merge below is done. Resolving
    -- applications and people is left to int_usage_events_unioned, so a changed inventory applies
    -- to every day without re-reading the event logs.
    select * from okta
    union all
    select * from graph
    union all
    select * from google_token
    union all
    select * from google_login

),

keyed as (

    select
        source_system,
        application_ref,
        user_id,
        user_name,
        event_type,
        event_detail,
        is_successful,
        activity_dates,
        loaded_at,
        -- the columns above the days, nulls included (a Google event has no user id), as one key
        -- that delete+insert can match: hashed once per row read, not once per event
        md5(to_json([
            source_system, application_ref, user_id, user_name, event_type, event_detail,
            cast(is_successful as varchar)
        ])) as usage_key
    from read

),

{% if is_incremental() %}

reloaded as (

    -- each source's days read again: raw replaces a day whole, so this run read all of each
    select
        source_system,
        list_distinct(flatten(list(activity_dates))) as activity_dates
    from keyed
    group by source_system

),

kept as (

    -- the rows built before that hold a day read again or share a key with a row read: each
    -- keeps its other days and takes the days read from the logs
    select
        previous.source_system,
        previous.application_ref,
        previous.user_id,
        previous.user_name,
        previous.event_type,
        previous.event_detail,
        previous.is_successful,
        previous.usage_key,
        previous.loaded_at,
        list_filter(
            previous.activity_dates,
            day -> not list_contains(coalesce(reloaded.activity_dates, []), day)
        ) as activity_dates
    from {{ this }} as previous
    left join reloaded
        on previous.source_system = reloaded.source_system
    where
        -- a row's days ascend (its data test), so a row whose days all lie outside the range
        -- read again is passed by its first and last day, not searched: a daily run reads the
        -- two newest days, which most rows of a long history end before (scale L, 182 days:
        -- 2.0 -> 1.5 s, the same rows)
        (
            previous.activity_dates[-1] >= list_min(reloaded.activity_dates)
            and previous.activity_dates[1] <= list_max(reloaded.activity_dates)
            and list_has_any(previous.activity_dates, reloaded.activity_dates)
        )
        or previous.usage_key in (select keyed.usage_key from keyed)

),

merged as (

    -- a row left without days (its user's events of those days are gone) is deleted by the
    -- post-hook, once delete+insert has replaced it
    select
        coalesce(keyed.source_system, kept.source_system) as source_system,
        coalesce(keyed.application_ref, kept.application_ref) as application_ref,
        coalesce(keyed.user_id, kept.user_id) as user_id,
        coalesce(keyed.user_name, kept.user_name) as user_name,
        coalesce(keyed.event_type, kept.event_type) as event_type,
        coalesce(keyed.event_detail, kept.event_detail) as event_detail,
        coalesce(keyed.is_successful, kept.is_successful) as is_successful,
        coalesce(keyed.usage_key, kept.usage_key) as usage_key,
        -- the days kept and the days read are disjoint and each ascending, and a daily run's
        -- days come after a row's others: those are joined as they are, not sorted again
        case
            when kept.activity_dates is null then keyed.activity_dates
            when keyed.activity_dates is null then kept.activity_dates
            when kept.activity_dates[-1] < keyed.activity_dates[1]
                then list_concat(kept.activity_dates, keyed.activity_dates)
            else list_sort(list_concat(kept.activity_dates, keyed.activity_dates))
        end as activity_dates,
        greatest(keyed.loaded_at, kept.loaded_at) as loaded_at
    from keyed
    full outer join kept
        on keyed.usage_key = kept.usage_key

),

{% endif %}

final as (

    -- the table's columns in the order it was first built with
    select
        source_system,
        application_ref,
        user_id,
        user_name,
        event_type,
        event_detail,
        is_successful,
        usage_key,
        activity_dates,
        loaded_at
    from {{ 'merged' if is_incremental() else 'keyed' }}

)

select * from final
