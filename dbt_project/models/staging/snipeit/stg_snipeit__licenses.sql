with

source as (

    select * from {{ source('snipeit', 'licenses') }}

),

renamed as (

    select

        -- ids
        id as license_id,
        company_id,
        manufacturer_id,
        supplier_id,
        category_id,
        depreciation_id,

        -- strings
        name as software_name,
        company_name,
        manufacturer_name,
        supplier_name,
        category_name,
        depreciation_name,
        order_number,
        purchase_order,
        license_name as licensed_to_name,
        license_email as licensed_to_email,
        notes as license_notes,
        payload as license_payload,

        -- numerics
        seats as seat_count,
        free_seats_count as free_seat_count,
        purchase_cost_numeric as purchase_cost,

        -- booleans
        reassignable as is_reassignable,
        maintained as is_maintained,
        user_can_checkout as has_free_seat,

        -- dates
        purchase_date,
        expiration_date,
        termination_date,

        -- timestamps
        created_at,
        updated_at,
        deleted_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
