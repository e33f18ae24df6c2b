with

source as (

    select * from {{ source('servicenow', 'licenses') }}

),

renamed as (

    select

        -- ids
        sys_id as license_id,
        software_model as software_model_id,
        vendor as vendor_id,

        -- strings
        display_name as license_name,
        asset_tag,
        software_model_display_value as software_model_name,
        vendor_display_value as vendor_name,
        install_status_display_value as install_status_label,
        payload as license_payload,

        -- numerics
        rights as purchased_rights,
        cast(install_status as integer) as install_status,

        -- dates
        start_date,
        end_date,

        -- timestamps
        sys_created_on as created_at,
        sys_updated_on as updated_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
