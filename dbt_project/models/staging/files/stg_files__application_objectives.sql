with

source as (

    select * from {{ source('files', 'application_objectives') }}

),

renamed as (

    select

        -- ids
        objective_id,

        -- strings
        application as application_name,

        -- numerics
        contribution_weight,

        -- timestamps
        _loaded_at as loaded_at

    from source

)

select * from renamed
