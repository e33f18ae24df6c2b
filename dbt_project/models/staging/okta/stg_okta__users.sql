with

source as (

    select * from {{ source('okta', 'users') }}

),

renamed as (

    select
        {{ okta_user_columns() }}
    from source

)

select * from renamed
