with

source as (

    select * from {{ source('graph', 'service_principals') }}

),

renamed as (

    select

        -- ids
        id as service_principal_id,
        app_id,
        app_owner_organization_id as app_owner_tenant_id,

        -- strings
        display_name as service_principal_name,
        app_display_name,
        service_principal_type,
        sign_in_audience,
        preferred_single_sign_on_mode as single_sign_on_mode,
        homepage as homepage_url,
        verified_publisher_display_name as verified_publisher_name,
        tags,
        payload as service_principal_payload,

        -- booleans
        account_enabled as is_enabled,
        app_role_assignment_required as is_assignment_required,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
