{#- Every currency of the model has a rate into the reporting currency for the month it is
    converted at: the month of date_column, or the as_of_date month when none is given. A missing
    rate would leave the converted amount null and silently drop it from every total, so the test
    stops the build with an error naming each missing currency and month (a failing row count
    alone would not say which). DuckDB's error() sits in a filter, where it cannot be pruned. -#}
{% test has_currency_rate(model, column_name, date_column=none) %}
    {%- set rate_date = date_column if date_column else as_of_date() %}

    with

    needed as (

        select distinct
            {{ column_name }} as currency,
            date_trunc('month', {{ rate_date }}) as rate_month
        from {{ model }}
        where {{ column_name }} is not null

    ),

    rates as (

        select * from {{ ref('int_currency_rates_to_reporting') }}

    ),

    missing as (

        select needed.currency, needed.rate_month
        from needed
        left join rates
            on
                needed.currency = rates.currency
                and needed.rate_month = rates.rate_month
        where rates.currency is null

    ),

    summary as (

        select
            count(*) as missing_count,
            string_agg(
                currency || ' ' || strftime(rate_month, '%Y-%m'), ', '
                order by currency, rate_month
            ) as missing_rates
        from missing

    )

    select missing_count, missing_rates
    from summary
    where
        missing_count > 0
        and (
            case
                when missing_count > 0
                    then error(
                        'no rate into {{ var("reporting_currency") }} in currency_rates for: '
                        || missing_rates || ' (needed by {{ model }})'
                    )
            end
        ) is null
{% endtest %}
