with

source as (

    select * from {{ source('graph', 'users') }}

),

renamed as (

    select

        -- ids
        id as entra_user_id,

        -- strings
        user_principal_name,
        mail as email,
        display_name,
        department,
        job_title,
        user_type,
        assigned_licenses_sku_ids as assigned_sku_ids,
        payload as user_payload,

        -- booleans
        account_enabled as is_enabled,

        -- timestamps
        created_date_time as created_at,
        sign_in_activity_last_sign_in_date_time as last_sign_in_at,
        sign_in_activity_last_non_interactive_sign_in_date_time
            as last_non_interactive_sign_in_at,
        sign_in_activity_last_successful_sign_in_date_time as last_successful_sign_in_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
