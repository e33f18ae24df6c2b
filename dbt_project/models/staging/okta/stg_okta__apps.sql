with

source as (

    select * from {{ source('okta', 'apps') }}

),

renamed as (

    select

        -- ids
        id as okta_app_id,

        -- strings
        name as integration_name,
        label as app_label,
        status as app_status,
        sign_on_mode,
        payload as app_payload,

        -- timestamps
        created as created_at,
        last_updated as updated_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
