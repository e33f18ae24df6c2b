{#- Whether a user key (lower-case e-mail) belongs to a service account rather than a person: an
    Okta user whose profile user type is one of the var service_account_user_types, or a key
    matching a pattern of the service_account_patterns seed (which also reaches users only Entra ID
    or Google know). Usage figures exempt service accounts: see the usage marts' documentation. -#}
{% macro is_service_account(user_key) -%}
    (
        exists (
            select 1
            from {{ ref('int_okta_users_replayed') }} as service_okta_users
            where
                lower(coalesce(service_okta_users.email, service_okta_users.okta_login))
                = {{ user_key }}
                and service_okta_users.user_type in (
                    '{{ var("service_account_user_types") | join("', '") }}'
                )
        )
        or exists (
            select 1
            from {{ ref('service_account_patterns') }} as service_patterns
            where {{ user_key }} like service_patterns.user_key_pattern
        )
    )
{%- endmacro %}
