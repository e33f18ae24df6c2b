{#- An Okta user's columns renamed: one renaming for the two raw tables that hold users, the
    listing (stg_okta__users) and the users changed since it (stg_okta__user_changes). -#}
{% macro okta_user_columns() -%}

        -- ids
        id as user_id,
        profile_manager_id as manager_user_id,

        -- strings
        status as user_status,
        profile_login as okta_login,
        profile_email as email,
        profile_first_name as first_name,
        profile_last_name as last_name,
        profile_department as department,
        profile_title as job_title,
        profile_user_type as user_type,
        profile_cost_center as cost_center,
        payload as user_payload,

        -- timestamps
        created as created_at,
        activated as activated_at,
        last_login as last_login_at,
        _loaded_at as loaded_at
{%- endmacro %}
