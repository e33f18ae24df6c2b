with

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

application_objectives as (

    select * from {{ ref('int_application_objectives_resolved') }}

),

application_cents as (

    -- the cost in whole cents, rounded as the applications mart publishes it: the shares below
    -- add up to exactly this, so every allocation reconciles to total spend to the cent
    select
        application_id,
        cast({{ money('annual_cost_usd') }} * 100 as bigint) as annual_cost_cents
    from costs

),

weighted as (

    -- weights are published as decimal(5, 4); in ten-thousandths they are exact integers
    select
        application_objectives.application_id,
        application_objectives.objective_id,
        application_objectives.contribution_weight,
        application_cents.annual_cost_cents,
        cast(round(application_objectives.contribution_weight * 10000) as bigint) as weight_units
    from application_objectives
    inner join application_cents
        on application_objectives.application_id = application_cents.application_id

),

shared as (

    -- an application mapped only with zero weights splits its cost evenly
    select
        application_id,
        objective_id,
        contribution_weight,
        annual_cost_cents,
        case
            when sum(weight_units) over (partition by application_id) > 0 then weight_units
            else 1
        end as share_units
    from weighted

),

exact_shares as (

    select
        *,
        annual_cost_cents * share_units as share_numerator,
        sum(share_units) over (partition by application_id) as share_denominator
    from shared

),

floored as (

    -- integer floor division, exact for a negative cost (a net credit) too: the cents each
    -- objective surely gets, and the remainder that ranks who gets the cents left over
    select
        *,
        (share_numerator % share_denominator + share_denominator) % share_denominator
            as remainder_units
    from exact_shares

),

ranked as (

    select
        *,
        (share_numerator - remainder_units) // share_denominator as floor_cents,
        row_number() over (
            partition by application_id
            order by remainder_units desc, objective_id asc
        ) as remainder_rank
    from floored

),

largest_remainders as (

    -- largest remainder method: the cents lost to flooring go, one each, to the largest
    -- remainders (ties by objective_id), so the shares add up to the application's cost
    select
        application_id,
        objective_id,
        contribution_weight,
        floor_cents
        + case
            when
                remainder_rank
                <= annual_cost_cents - sum(floor_cents) over (partition by application_id)
                then 1
            else 0
        end as allocated_cents
    from ranked

),

aligned as (

    select
        application_id,
        objective_id,
        true as is_aligned,
        contribution_weight,
        cast(allocated_cents * 0.01 as decimal(18, 2)) as allocated_annual_cost_usd
    from largest_remainders

),

aligned_applications as (

    select distinct application_id
    from application_objectives

),

unaligned as (

    select
        application_cents.application_id,
        cast(null as varchar) as objective_id,
        false as is_aligned,
        cast(null as decimal(5, 4)) as contribution_weight,
        cast(application_cents.annual_cost_cents * 0.01 as decimal(18, 2))
            as allocated_annual_cost_usd
    from application_cents
    left join aligned_applications
        on application_cents.application_id = aligned_applications.application_id
    where aligned_applications.application_id is null

),

allocated as (

    select * from aligned
    union all
    select * from unaligned

)

select * from allocated
