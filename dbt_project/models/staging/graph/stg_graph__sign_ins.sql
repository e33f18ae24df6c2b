with

source as (

    select * from {{ source('graph', 'sign_ins') }}

),

renamed as (

    select

        -- ids
        id as sign_in_id,
        user_id as entra_user_id,
        app_id,
        resource_id,

        -- strings
        user_principal_name,
        user_display_name,
        app_display_name,
        resource_display_name,
        client_app_used,
        ip_address,
        conditional_access_status,
        status_failure_reason as failure_reason,
        device_detail_operating_system as operating_system,
        device_detail_browser as browser,
        location_country_or_region as country_code,

        -- numerics
        status_error_code as error_code,

        -- booleans
        is_interactive,

        -- timestamps
        created_date_time as signed_in_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
