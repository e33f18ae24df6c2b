with

app_users as (

    select * from {{ ref('stg_okta__app_users') }}

),

users as (

    select * from {{ ref('stg_okta__users') }}

),

okta_apps as (

    select * from {{ ref('int_okta_apps_resolved') }}

),

filtered as (

    -- a user assigned to several Okta apps of one application holds one seat of it
    select distinct
        okta_apps.application_id,
        app_users.user_id
    from app_users
    inner join users
        on app_users.user_id = users.user_id
    inner join okta_apps
        on app_users.okta_app_id = okta_apps.okta_app_id
    where
        app_users.assignment_status in ('ACTIVE', 'PROVISIONED')
        and users.user_status != 'DEPROVISIONED'

)

select * from filtered
