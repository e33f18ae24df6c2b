{#- One row per audit date, kept across refreshes. delete+insert on as_of_date: a later refresh
    of the same audit date (a re-run, or an old audit reproduced) replaces that date's row, while
    the rows of other dates stay. full_refresh=false: `dbt build --full-refresh` must not erase
    the only record of past refreshes; drop the table by hand to rebuild it on purpose. New
    columns (e.g. when audit_summary gains figures) are appended, null for older rows. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        full_refresh=false,
    )
}}

with

audit_summary as (

    select * from {{ ref('audit_summary') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

license_totals as (

    select
        coalesce(sum(seats_purchased), 0) as seats_purchased,
        -- seats bought that someone uses: users beyond an application's seats fill none
        coalesce(sum(seats_purchased - unused_seats), 0) as seats_in_use,
        coalesce(sum(annual_license_cost_usd), 0) as annual_license_cost_usd
    from license_utilization

),

historized as (

    select
        -- dates
        audit_summary.as_of_date,
        {{ refresh_started_at() }} as refreshed_at,

        -- counts
        audit_summary.application_count,
        audit_summary.active_contract_count,
        cast(license_totals.seats_purchased as integer) as seats_purchased,
        cast(license_totals.seats_in_use as integer) as seats_in_use,

        -- amounts
        audit_summary.total_annual_spend_usd,
        audit_summary.aligned_annual_spend_usd,
        audit_summary.unaligned_annual_spend_usd,
        audit_summary.unused_license_cost_usd,
        cast(license_totals.annual_license_cost_usd as decimal(18, 2)) as annual_license_cost_usd,

        -- shares
        cast(round(
            audit_summary.aligned_annual_spend_usd * 100.0
            / nullif(audit_summary.total_annual_spend_usd, 0),
            2
        ) as decimal(9, 2)) as aligned_spend_pct,
        -- seat-weighted over the portfolio, so 0-100 even where one application is over-used
        cast(round(
            license_totals.seats_in_use * 100.0
            / nullif(license_totals.seats_purchased, 0),
            2
        ) as decimal(9, 2)) as utilization_pct

    from audit_summary
    cross join license_totals

)

select * from historized
