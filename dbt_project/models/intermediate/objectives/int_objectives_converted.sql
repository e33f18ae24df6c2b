with

objectives as (

    select * from {{ ref('stg_files__objectives') }}

),

rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

converted as (

    select
        objectives.objective_id,
        objectives.objective_name,
        objectives.owner_title,
        objectives.owner_name,
        objectives.value_type,
        objectives.business_mode,
        objectives.kpi,
        objectives.kpi_target,
        objectives.start_quarter,
        objectives.horizon_quarters,
        objectives.annual_value,
        objectives.currency,
        objectives.annual_value * rates.rate_to_reporting as annual_value_usd
    from objectives
    left join rates
        on
            objectives.currency = rates.currency
            and rates.rate_month = date_trunc('month', {{ as_of_date() }})

)

select * from converted
