with

source as (

    select * from {{ source('okta', 'app_users') }}

),

renamed as (

    select

        -- ids
        app_id as okta_app_id,
        user_id,

        -- strings
        scope as assignment_scope,
        status as assignment_status,

        -- timestamps
        created as created_at,
        last_updated as updated_at,
        _loaded_at as loaded_at,
        _extracted_at as listed_at

    from source

)

select * from renamed
