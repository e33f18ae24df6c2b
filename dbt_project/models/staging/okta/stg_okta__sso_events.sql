with

source as (

    select * from {{ source('okta', 'sso_events') }}

),

renamed as (

    select

        -- ids
        uuid as event_id,
        actor_id as user_id,
        target_app_id as okta_app_id,

        -- strings
        event_type,
        actor_alternate_id as user_login,
        target_app_display_name as app_display_name,
        outcome_result,

        -- timestamps
        published as published_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
