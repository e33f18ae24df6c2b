{%- set windows = var('activity_windows_days') -%}

with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

assignments as (

    select * from {{ ref('int_application_assignments_filtered') }}

),

active_users as (

    select * from {{ ref('int_application_active_users_windowed') }}

),

seats_assigned as (

    select
        application_id,
        count(*) as seats_assigned
    from assignments
    group by application_id

),

seats as (

    select
        applications.application_id,
        applications.application_name,
        costs.seats_purchased,
        costs.contract_annual_cost_usd as annual_license_cost_usd,
        coalesce(seats_assigned.seats_assigned, 0) as seats_assigned,
        {% for days in windows -%}
            coalesce(active_users.active_users_{{ days }}d, 0) as active_users_{{ days }}d,
        {% endfor -%}
        coalesce(active_users.active_users, 0) as active_users
    from applications
    inner join costs
        on applications.application_id = costs.application_id
    left join seats_assigned
        on applications.application_id = seats_assigned.application_id
    left join active_users
        on applications.application_id = active_users.application_id

),

measured as (

    select
        *,
        greatest(seats_purchased - active_users, 0) as unused_seats,
        -- without seats bought, assignments are free, lapsed or shadow use: a different finding
        case
            when seats_purchased > 0 then greatest(seats_assigned - seats_purchased, 0) else 0
        end as over_allocated_seats,
        annual_license_cost_usd / nullif(seats_purchased, 0) as cost_per_seat_usd
    from seats

),

final as (

    select
        -- ids
        application_id,

        -- strings
        application_name,

        -- dates
        {{ as_of_date() }} as as_of_date,

        -- seats and users
        cast(seats_purchased as integer) as seats_purchased,
        cast(seats_assigned as integer) as seats_assigned,
        {% for days in windows -%}
            cast(active_users_{{ days }}d as integer) as active_users_{{ days }}d,
        {% endfor -%}
        cast(active_users as integer) as active_users,
        cast(round(active_users * 100.0 / nullif(seats_purchased, 0), 2) as decimal(9, 2))
            as utilization_pct,
        cast(unused_seats as integer) as unused_seats,

        -- amounts
        {{ money('annual_license_cost_usd') }} as annual_license_cost_usd,
        {{ money('cost_per_seat_usd') }} as cost_per_seat_usd,
        {{ money('coalesce(unused_seats * cost_per_seat_usd, 0)') }} as unused_license_cost_usd,

        -- seats handed out beyond what was bought
        cast(over_allocated_seats as integer) as over_allocated_seats

    from measured

)

select * from final
