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

application_roi as (

    select * from {{ ref('application_roi') }}

),

shadow_it as (

    select * from {{ ref('shadow_it') }}

),

source_reconciliation as (

    select * from {{ ref('source_reconciliation') }}

),

renewals as (

    select * from {{ ref('renewals') }}

),

rationalization as (

    select * from {{ ref('rationalization') }}

),

redundancy_groups as (

    select * from {{ ref('redundancy_groups') }}

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

    select
        coalesce(sum(seats_purchased), 0) as seats_purchased,
        coalesce(sum(inactive_assigned_seats), 0) as inactive_assigned_seats,
        coalesce(sum(unused_license_cost_usd), 0) as unused_license_cost_usd,
        coalesce(sum(unused_license_cost_30d_usd), 0) as unused_license_cost_30d_usd,
        coalesce(sum(unused_license_cost_90d_usd), 0) as unused_license_cost_90d_usd,
        count(*) filter (where is_over_allocation_risk) as over_allocation_risk_application_count
    from license_utilization

),

cost_totals as (

    select
        coalesce(sum(license_annual_cost_usd), 0) as license_annual_cost_usd,
        coalesce(sum(other_annual_cost_usd), 0) as other_annual_cost_usd
    from application_roi

),

contract_totals as (

    select count(*) filter (where is_active) as active_contract_count
    from contracts

),

shadow_totals as (

    select coalesce(sum(lookback_spend_usd), 0) as shadow_it_spend_usd
    from shadow_it

),

dispute_totals as (

    select count(*) as disputed_fact_count
    from (
        select distinct
            application_id,
            attribute_name
        from source_reconciliation
        where is_disputed
    ) as disputed_facts

),

renewal_totals as (

    select
        count(*) filter (where renewal_state = 'renewal_due') as renewal_due_count,
        count(*) filter (where renewal_state = 'overdue') as renewal_overdue_count,
        coalesce(sum(right_size_annual_saving_usd), 0) as right_size_annual_saving_usd
    from renewals

),

disposition_totals as (

    select
        count(*) filter (where time_disposition = 'Invest') as invest_application_count,
        count(*) filter (where time_disposition = 'Tolerate') as tolerate_application_count,
        count(*) filter (where time_disposition = 'Migrate') as migrate_application_count,
        count(*) filter (where time_disposition = 'Eliminate') as eliminate_application_count
    from rationalization

),

redundancy_totals as (

    select coalesce(sum(consolidation_annual_saving_usd), 0) as consolidation_annual_saving_usd
    from redundancy_groups

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
        cast(contract_totals.active_contract_count as integer) as active_contract_count,

        -- shares
        cast(
            round(
                application_totals.aligned_annual_spend_usd * 100.0
                / nullif(application_totals.total_annual_spend_usd, 0),
                2
            ) as decimal(9, 2)
        ) as aligned_spend_pct,

        -- cost components
        cast(cost_totals.license_annual_cost_usd as decimal(18, 2)) as license_annual_cost_usd,
        cast(cost_totals.other_annual_cost_usd as decimal(18, 2)) as other_annual_cost_usd,

        -- license position
        cast(license_totals.seats_purchased as integer) as seats_purchased,
        cast(license_totals.inactive_assigned_seats as integer) as inactive_assigned_seats,
        cast(license_totals.unused_license_cost_30d_usd as decimal(18, 2))
            as unused_license_cost_30d_usd,
        cast(license_totals.unused_license_cost_90d_usd as decimal(18, 2))
            as unused_license_cost_90d_usd,
        cast(license_totals.over_allocation_risk_application_count as integer)
            as over_allocation_risk_application_count,

        -- catalogue findings
        cast(shadow_totals.shadow_it_spend_usd as decimal(18, 2)) as shadow_it_spend_usd,
        cast(dispute_totals.disputed_fact_count as integer) as disputed_fact_count,

        -- rationalisation
        cast(disposition_totals.invest_application_count as integer)
            as invest_application_count,
        cast(disposition_totals.tolerate_application_count as integer)
            as tolerate_application_count,
        cast(disposition_totals.migrate_application_count as integer)
            as migrate_application_count,
        cast(disposition_totals.eliminate_application_count as integer)
            as eliminate_application_count,
        cast(redundancy_totals.consolidation_annual_saving_usd as decimal(18, 2))
            as consolidation_annual_saving_usd,

        -- renewals
        cast(renewal_totals.renewal_due_count as integer) as renewal_due_count,
        cast(renewal_totals.renewal_overdue_count as integer) as renewal_overdue_count,
        cast(renewal_totals.right_size_annual_saving_usd as decimal(18, 2))
            as right_size_annual_saving_usd

    from application_totals
    cross join license_totals
    cross join cost_totals
    cross join contract_totals
    cross join shadow_totals
    cross join dispute_totals
    cross join renewal_totals
    cross join disposition_totals
    cross join redundancy_totals

)

select * from final
