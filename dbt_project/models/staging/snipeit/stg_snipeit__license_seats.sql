with

source as (

    select * from {{ source('snipeit', 'license_seats') }}

),

renamed as (

    select

        -- ids
        id as license_seat_id,
        license_id,
        assigned_user_id,
        assigned_user_department_id,
        assigned_asset_id,
        location_id,

        -- strings
        assigned_user_name,
        assigned_user_email,
        assigned_user_department_name,
        assigned_asset_name,
        location_name,
        notes as seat_notes,

        -- booleans
        reassignable as is_reassignable,
        user_can_checkout as is_free,
        disabled as is_disabled,

        -- timestamps
        updated_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
