with

source as (

    select * from {{ source('files', 'survey_responses') }}

),

renamed as (

    select

        -- ids
        response_id,

        -- strings
        respondent_email,
        application as application_name,
        comment,

        -- numerics
        satisfaction as satisfaction_score,

        -- timestamps
        submitted_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
