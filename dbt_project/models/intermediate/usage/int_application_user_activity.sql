with

sso_events as (

    select * from {{ ref('stg_okta__sso_events') }}

),

users as (

    select * from {{ ref('stg_okta__users') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

sign_ins as (

    select
        okta_apps.application_id,
        cast(sso_events.published_at as date) as activity_date,
        -- one person across identity providers is their e-mail address
        coalesce(
            lower(users.email), lower(sso_events.user_login), 'okta:' || sso_events.user_id
        ) as user_key
    from sso_events
    inner join okta_apps
        on sso_events.okta_app_id = okta_apps.okta_app_id
    left join users
        on sso_events.user_id = users.user_id
    where
        sso_events.event_type = 'user.authentication.sso'
        and sso_events.outcome_result = 'SUCCESS'
        and cast(sso_events.published_at as date) <= {{ as_of_date() }}

),

activity as (

    select
        application_id,
        user_key,
        min(activity_date) as first_active_date,
        max(activity_date) as last_active_date,
        count(distinct activity_date) as active_day_count
    from sign_ins
    group by application_id, user_key

)

select * from activity
