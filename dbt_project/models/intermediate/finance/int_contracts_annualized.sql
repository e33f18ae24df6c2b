with

contracts as (

    select * from {{ ref('stg_files__contracts') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

annualized as (

    select
        contracts.contract_id,
        names_resolved.application_id,
        contracts.vendor_name,
        contracts.product_name,
        contracts.category,
        contracts.sku,
        contracts.owner_email,
        contracts.seats,
        contracts.unit_price,
        contracts.currency,
        contracts.billing_period,
        contracts.start_date,
        contracts.end_date,
        contracts.is_auto_renew,
        contracts.notice_period_days,
        contracts.start_date <= {{ as_of_date() }}
        and contracts.end_date >= {{ as_of_date() }} as is_active,
        {{ annualise('contracts.seats * contracts.unit_price', 'contracts.billing_period') }}
            as annual_cost,
        -- priced at the audit month's rate: the cost of keeping the contract today
        {{ annualise('contracts.seats * contracts.unit_price', 'contracts.billing_period') }}
        * rates.rate_to_reporting as annual_cost_usd
    from contracts
    left join names_resolved
        on contracts.product_name = names_resolved.application_name
    left join rates
        on
            contracts.currency = rates.currency
            and rates.rate_month = date_trunc('month', {{ as_of_date() }})

)

select * from annualized
