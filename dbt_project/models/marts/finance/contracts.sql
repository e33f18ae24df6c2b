with

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

spend_lines as (

    select * from {{ ref('int_spend_lines_classified') }}

),

contract_spend as (

    -- each spend line is attributed to at most one contract, so nothing is counted twice
    select
        contract_id,
        count(*) as spend_line_count,
        sum(amount_usd) as spend_usd,
        coalesce(sum(amount_usd) filter (where is_in_lookback), 0) as lookback_spend_usd
    from spend_lines
    where contract_id is not null
    group by contract_id

),

final as (

    select
        -- ids
        contracts.contract_id,
        contracts.application_id,

        -- strings
        contracts.vendor_name,
        contracts.product_name,
        contracts.category,
        contracts.sku,
        {{ owner_contact('contracts.owner_email') }} as owner_email,
        contracts.currency,
        contracts.billing_period,

        -- numerics
        cast(contracts.seats as integer) as seats,
        cast(contracts.unit_price as decimal(18, 4)) as unit_price,
        cast(contracts.notice_period_days as integer) as notice_period_days,

        -- dates
        contracts.start_date,
        contracts.end_date,

        -- booleans
        contracts.is_active,
        contracts.is_auto_renew,

        -- amounts
        {{ money('contracts.annual_cost') }} as annual_cost,
        {{ money('contracts.annual_cost_usd') }} as annual_cost_usd,

        -- spend against the contract
        cast(coalesce(contract_spend.spend_line_count, 0) as integer) as spend_line_count,
        contract_spend.contract_id is not null as has_spend,
        {{ money('coalesce(contract_spend.spend_usd, 0)') }} as spend_usd,
        {{ money('coalesce(contract_spend.lookback_spend_usd, 0)') }} as lookback_spend_usd

    from contracts
    left join contract_spend
        on contracts.contract_id = contract_spend.contract_id

)

select * from final
