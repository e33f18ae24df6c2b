with

source as (

    select * from {{ source('google', 'login_activities') }}

),

renamed as (

    select

        -- ids
        id_unique_qualifier as activity_qualifier,
        event_index,
        id_customer_id as customer_id,
        actor_profile_id as user_profile_id,

        -- strings
        id_application_name as report_name,
        actor_email as user_email,
        actor_caller_type as caller_type,
        ip_address,
        event_type,
        event_name,
        login_type,
        login_failure_type,
        parameters as event_parameters,

        -- lists
        login_challenge_method as login_challenge_methods,

        -- booleans
        is_suspicious,

        -- timestamps
        id_time as event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
