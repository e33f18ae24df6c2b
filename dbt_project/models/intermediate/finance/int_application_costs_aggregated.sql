with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

spend_lines as (

    select * from {{ ref('int_spend_lines_classified') }}

),

active_contracts as (

    select
        application_id,
        count(*) as active_contract_count,
        sum(seats) as seats_purchased,
        sum(annual_cost_usd) as contract_annual_cost_usd
    from contracts
    where is_active
    group by application_id

),

lookback_spend as (

    select
        application_id,
        sum(amount_usd) as lookback_spend_usd,
        sum(amount_usd) filter (where cost_type = 'license') as lookback_license_spend_usd,
        sum(amount_usd) filter (where cost_type = 'other') as lookback_other_spend_usd
    from spend_lines
    where is_in_lookback
    group by application_id

),

aggregated as (

    select
        applications.application_id,
        coalesce(active_contracts.active_contract_count, 0) as active_contract_count,
        coalesce(active_contracts.seats_purchased, 0) as seats_purchased,
        coalesce(active_contracts.contract_annual_cost_usd, 0) as contract_annual_cost_usd,
        coalesce(lookback_spend.lookback_spend_usd, 0) as lookback_spend_usd,
        case
            when active_contracts.application_id is not null then 'contracts'
            when lookback_spend.application_id is not null then 'spend'
            else 'none'
        end as annual_cost_basis,
        -- contracts price the subscription the company is committed to; its invoices (license
        -- lines) would count it twice, so they price only an application without one
        case
            when active_contracts.application_id is not null
                then active_contracts.contract_annual_cost_usd
            else coalesce(lookback_spend.lookback_license_spend_usd, 0)
        end as license_annual_cost_usd,
        -- services, implementation, support plans and taxes are never a contract's seat price,
        -- so a year of them is added on top of the license cost
        coalesce(lookback_spend.lookback_other_spend_usd, 0) as other_annual_cost_usd
    from applications
    left join active_contracts
        on applications.application_id = active_contracts.application_id
    left join lookback_spend
        on applications.application_id = lookback_spend.application_id

),

costed as (

    select
        *,
        license_annual_cost_usd + other_annual_cost_usd as annual_cost_usd
    from aggregated

)

select * from costed
