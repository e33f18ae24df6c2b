with

applications as (

    select * from {{ ref('applications') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

application_totals as (

    select
        count(*) as application_count,
        count(*) filter (where is_sanctioned) as sanctioned_application_count,
        count(*) filter (where not is_sanctioned) as shadow_application_count,
        coalesce(sum(annual_cost_usd), 0) as total_annual_spend_usd,
        coalesce(sum(annual_cost_usd) filter (where is_aligned), 0) as aligned_annual_spend_usd,
        coalesce(sum(annual_cost_usd) filter (where not is_aligned), 0)
            as unaligned_annual_spend_usd
    from applications

),

license_totals as (

    select coalesce(sum(unused_license_cost_usd), 0) as unused_license_cost_usd
    from license_utilization

),

contract_totals as (

    select count(*) filter (where is_active) as active_contract_count
    from contracts

),

final as (

    select
        -- dates
        {{ as_of_date() }} as as_of_date,

        -- applications
        cast(application_totals.application_count as integer) as application_count,
        cast(application_totals.sanctioned_application_count as integer)
            as sanctioned_application_count,
        cast(application_totals.shadow_application_count as integer)
            as shadow_application_count,

        -- amounts (sums of the rounded per-application figures, so they add up exactly)
        cast(application_totals.total_annual_spend_usd as decimal(18, 2))
            as total_annual_spend_usd,
        cast(application_totals.aligned_annual_spend_usd as decimal(18, 2))
            as aligned_annual_spend_usd,
        cast(application_totals.unaligned_annual_spend_usd as decimal(18, 2))
            as unaligned_annual_spend_usd,
        cast(license_totals.unused_license_cost_usd as decimal(18, 2))
            as unused_license_cost_usd,

        -- contracts
        cast(contract_totals.active_contract_count as integer) as active_contract_count

    from application_totals
    cross join license_totals
    cross join contract_totals

)

select * from final
