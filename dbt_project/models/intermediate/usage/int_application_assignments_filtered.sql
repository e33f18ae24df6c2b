{#- A view, as int_okta_app_users_replayed is: a step of the seats' computation, which
    int_application_seats_classified materializes and tests (one row per application and
    user: this model's grouping). -#}
{{ config(materialized='view') }}

with

app_users as (

    select * from {{ ref('int_okta_app_users_replayed') }}

),

users as (

    select * from {{ ref('int_okta_users_replayed') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

filtered as (

    -- a user assigned to several Okta apps of one application holds one seat of it, provisioned
    -- with the first of those assignments
    select
        okta_apps.application_id,
        app_users.user_id,
        -- the same key as the sign-ins', so a seat meets its holder's activity
        coalesce(lower(users.email), lower(users.okta_login), 'okta:' || users.user_id)
            as user_key,
        min(coalesce(app_users.created_at, users.created_at)) as provisioned_at
    from app_users
    inner join users
        on app_users.user_id = users.user_id
    inner join okta_apps
        on app_users.okta_app_id = okta_apps.okta_app_id
    where
        app_users.assignment_status in ('ACTIVE', 'PROVISIONED')
        and users.user_status != 'DEPROVISIONED'
    group by okta_apps.application_id, app_users.user_id, user_key

)

select * from filtered
