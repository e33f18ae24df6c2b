{#- Every refresh's right-size recommendations, kept across refreshes, one row per audit date per
    contract. A refresh first deletes its audit date's rows (pre_hook), then appends its own: a
    re-run or a reproduced old audit replaces that date's recommendations, even with none, and
    other dates' stay. full_refresh=false, as for int_audit_figures_historized. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        full_refresh=false,
        pre_hook=(
            "{% if is_incremental() %}"
            "delete from {{ this }} where as_of_date = {{ as_of_date() }}"
            "{% endif %}"
        ),
    )
}}

with

recommendations as (

    select * from {{ ref('int_right_size_recommendations_listed') }}

),

historized as (

    select
        -- ids
        contract_id,
        application_id,

        -- dates
        as_of_date,
        {{ refresh_started_at() }} as refreshed_at,

        -- recommendation
        recommended_seats,
        right_size_annual_saving_usd

    from recommendations

)

select * from historized
