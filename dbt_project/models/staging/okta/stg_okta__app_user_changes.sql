with

source as (

    select * from {{ source('okta', 'app_user_changes') }}

),

renamed as (

    select

        -- ids
        uuid as event_id,
        app_id as okta_app_id,
        user_id,

        -- strings
        event_type as change_type,
        outcome_result,

        -- timestamps
        published as published_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
