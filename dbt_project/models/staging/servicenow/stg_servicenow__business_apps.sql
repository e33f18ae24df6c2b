with

source as (

    select * from {{ source('servicenow', 'business_apps') }}

),

renamed as (

    select

        -- ids
        sys_id as business_app_id,
        vendor as vendor_id,
        owned_by as business_owner_user_id,
        it_application_owner as it_owner_user_id,
        managed_by as manager_user_id,
        life_cycle_stage as life_cycle_stage_id,
        life_cycle_stage_status as life_cycle_stage_status_id,

        -- strings
        number as business_app_number,
        name as business_app_name,
        short_description,
        vendor_display_value as vendor_name,
        owned_by_display_value as business_owner_name,
        owned_by_email as business_owner_email,
        it_application_owner_display_value as it_owner_name,
        it_application_owner_email as it_owner_email,
        managed_by_display_value as manager_name,
        managed_by_email as manager_email,
        business_criticality_display_value as business_criticality_label,
        install_status_display_value as install_status_label,
        operational_status_display_value as operational_status_label,
        life_cycle_stage_display_value as life_cycle_stage,
        life_cycle_stage_status_display_value as life_cycle_stage_status,
        payload as business_app_payload,

        -- numerics
        cast(business_criticality as integer) as business_criticality,
        cast(install_status as integer) as install_status,
        cast(operational_status as integer) as operational_status,

        -- timestamps
        sys_created_on as created_at,
        sys_updated_on as updated_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
