with

source as (

    select * from {{ source('okta', 'user_changes') }}

),

renamed as (

    select
        {{ okta_user_columns() }}
    from source

)

select * from renamed
