with

source as (

    select * from {{ source('google', 'token_activities') }}

),

renamed as (

    select

        -- ids
        id_unique_qualifier as activity_qualifier,
        event_index,
        id_customer_id as customer_id,
        actor_profile_id as user_profile_id,
        client_id as oauth_client_id,

        -- strings
        id_application_name as report_name,
        actor_email as user_email,
        actor_caller_type as caller_type,
        ip_address,
        event_type,
        event_name,
        app_name as oauth_app_name,
        client_type as oauth_client_type,
        api_name,
        method_name,
        product_bucket,
        parameters as event_parameters,

        -- lists
        scope as oauth_scopes,

        -- numerics
        num_response_bytes as response_bytes,

        -- timestamps
        id_time as event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
