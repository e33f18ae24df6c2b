-- The right-size recommendations of this refresh, one row per contract up for renewal, as the
-- renewals mart publishes them: the history keeps them so a later renewal can be compared with
-- what was recommended before it.
with

renewals as (

    select * from {{ ref('renewals') }}

),

recommendations as (

    select
        {{ as_of_date() }} as as_of_date,
        contract_id,
        application_id,
        cast(recommended_seats as integer) as recommended_seats,
        cast(right_size_annual_saving_usd as decimal(18, 2)) as right_size_annual_saving_usd
    from renewals
    where recommended_seats is not null

)

select * from recommendations
