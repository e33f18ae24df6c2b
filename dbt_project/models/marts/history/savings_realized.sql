with

renewals as (

    select * from {{ ref('int_contract_renewals_paired') }}

),

recommendations as (

    select * from {{ ref('int_right_size_recommendations_historized') }}

),

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

rates as (

    select * from {{ ref('int_currency_rates_to_reporting') }}

),

realized as (

    -- a renewal is realised once its new term has begun by the audit date
    select *
    from renewals
    where renewal_date <= {{ as_of_date() }}

),

recommendations_in_force as (

    -- the latest recommendation for the expiring contract made before its renewal
    select
        realized.contract_id,
        realized.renewal_date,
        recommendations.as_of_date as recommendation_as_of_date,
        recommendations.recommended_seats,
        recommendations.right_size_annual_saving_usd,
        row_number() over (
            partition by realized.contract_id, realized.renewal_date
            order by recommendations.as_of_date desc
        ) as recency_rank
    from realized
    inner join recommendations
        on
            realized.previous_contract_id = recommendations.contract_id
            and realized.renewal_date > recommendations.as_of_date

),

converted as (

    -- both terms at the audit month's rate, so the saving is what the seats and prices changed,
    -- not what the exchange rates did
    select
        realized.*,
        realized.annual_cost_before * rates_before.rate_to_reporting as annual_cost_before_usd,
        realized.annual_cost_after * rates_after.rate_to_reporting as annual_cost_after_usd
    from realized
    left join rates as rates_before
        on
            realized.currency_before = rates_before.currency
            and rates_before.rate_month = date_trunc('month', {{ as_of_date() }})
    left join rates as rates_after
        on
            realized.currency_after = rates_after.currency
            and rates_after.rate_month = date_trunc('month', {{ as_of_date() }})

),

final as (

    select
        -- ids
        converted.contract_id,
        converted.previous_contract_id,
        converted.application_id,

        -- strings
        applications.application_name,
        converted.renewal_type,

        -- dates
        converted.renewal_date,
        recommendations_in_force.recommendation_as_of_date,

        -- seats
        cast(converted.seats_before as integer) as seats_before,
        cast(converted.seats_after as integer) as seats_after,
        cast(recommendations_in_force.recommended_seats as integer) as recommended_seats,

        -- flags
        recommendations_in_force.contract_id is not null as has_recommendation,
        converted.seats_after <= recommendations_in_force.recommended_seats
            as is_recommendation_followed,

        -- amounts
        {{ money('converted.annual_cost_before_usd') }} as annual_cost_before_usd,
        {{ money('converted.annual_cost_after_usd') }} as annual_cost_after_usd,
        -- the difference of the rounded costs, so before - after = saving to the cent
        cast(
            {{ money('converted.annual_cost_before_usd') }}
            - {{ money('converted.annual_cost_after_usd') }}
            as decimal(18, 2)
        ) as realized_annual_saving_usd,
        {{ money('recommendations_in_force.right_size_annual_saving_usd') }}
            as identified_annual_saving_usd

    from converted
    left join recommendations_in_force
        on
            converted.contract_id = recommendations_in_force.contract_id
            and converted.renewal_date = recommendations_in_force.renewal_date
            and recommendations_in_force.recency_rank = 1
    left join applications
        on converted.application_id = applications.application_id

)

select * from final
