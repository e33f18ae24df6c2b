with

source as (

    select * from {{ source('files', 'application_aliases') }}

),

renamed as (

    select

        -- strings
        alias as alias_name,
        application as application_name,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
