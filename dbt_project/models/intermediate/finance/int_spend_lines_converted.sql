with

spend as (

    select * from {{ ref('stg_files__spend') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

converted as (

    select
        spend.spend_line_id,
        names_resolved.application_id,
        spend.invoice_id,
        spend.vendor_name,
        spend.product_name,
        spend.description,
        spend.cost_center,
        spend.payment_method,
        spend.invoice_date,
        spend.service_period_start,
        spend.service_period_end,
        spend.amount,
        spend.currency,
        -- each line at the rate of the month it was invoiced: what was actually paid
        spend.amount * rates.rate_to_reporting as amount_usd,
        spend.invoice_date > {{ as_of_date() }} - {{ var('spend_lookback_days') }}
        and spend.invoice_date <= {{ as_of_date() }} as is_in_lookback
    from spend
    left join names_resolved
        on
            {{ spend_application_name('spend.product_name', 'spend.vendor_name') }}
            = names_resolved.application_name
    left join rates
        on
            spend.currency = rates.currency
            and rates.rate_month = date_trunc('month', spend.invoice_date)

)

select * from converted
