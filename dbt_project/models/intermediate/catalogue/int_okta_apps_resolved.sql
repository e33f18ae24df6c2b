with

okta_apps as (

    select * from {{ ref('stg_okta__apps') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

resolved as (

    select
        okta_apps.okta_app_id,
        names_resolved.application_id,
        okta_apps.app_label,
        okta_apps.app_status
    from okta_apps
    inner join names_resolved
        on okta_apps.app_label = names_resolved.application_name

)

select * from resolved
