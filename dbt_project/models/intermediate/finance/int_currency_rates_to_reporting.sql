with

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

reporting_rates as (

    select
        rate_month,
        usd_per_unit as reporting_usd_per_unit
    from currency_rates
    where currency = '{{ var("reporting_currency") }}'

),

crossed as (

    select
        currency_rates.rate_month,
        currency_rates.currency,
        currency_rates.usd_per_unit / reporting_rates.reporting_usd_per_unit as rate_to_reporting
    from currency_rates
    inner join reporting_rates
        on currency_rates.rate_month = reporting_rates.rate_month

)

select * from crossed
