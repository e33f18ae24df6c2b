{%- set windows = var('activity_windows_days') -%}

with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

seats_classified as (

    select * from {{ ref('int_application_seats_classified') }}

),

active_users as (

    select * from {{ ref('int_application_active_users_windowed') }}

),

settings as (

    select * from {{ ref('int_application_usage_settings_resolved') }}

),

seat_counts as (

    -- an exempt seat not held by an active user still counts as in use: it is no finding
    select
        application_id,
        count(*) as seats_assigned,
        count(*) filter (where is_exempt and not is_active) as exempt_seats,
        {% for days in windows -%}
            count(*) filter (where is_exempt and not is_active_{{ days }}d)
                as exempt_seats_{{ days }}d,
        {% endfor -%}
        count(*) filter (where not is_exempt and not is_active) as inactive_assigned_seats,
        count(*) filter (where not is_exempt and is_never_active) as never_active_assigned_users
    from seats_classified
    group by application_id

),

seats as (

    select
        applications.application_id,
        applications.application_name,
        coalesce(
            settings.activity_window_days, {{ var('activity_window_days') }}
        ) as activity_window_days,
        costs.seats_purchased,
        costs.contract_annual_cost_usd as annual_license_cost_usd,
        coalesce(seat_counts.seats_assigned, 0) as seats_assigned,
        coalesce(seat_counts.exempt_seats, 0) as exempt_seats,
        {% for days in windows -%}
            coalesce(seat_counts.exempt_seats_{{ days }}d, 0) as exempt_seats_{{ days }}d,
            coalesce(active_users.active_users_{{ days }}d, 0) as active_users_{{ days }}d,
        {% endfor -%}
        coalesce(seat_counts.inactive_assigned_seats, 0) as inactive_assigned_seats,
        coalesce(seat_counts.never_active_assigned_users, 0) as never_active_assigned_users,
        coalesce(active_users.active_users, 0) as active_users
    from applications
    inner join costs
        on applications.application_id = costs.application_id
    left join settings
        on applications.application_id = settings.application_id
    left join seat_counts
        on applications.application_id = seat_counts.application_id
    left join active_users
        on applications.application_id = active_users.application_id

),

measured as (

    select
        *,
        greatest(seats_purchased - active_users - exempt_seats, 0) as unused_seats,
        {% for days in windows -%}
            greatest(seats_purchased - active_users_{{ days }}d - exempt_seats_{{ days }}d, 0)
                as unused_seats_{{ days }}d,
        {% endfor -%}
        greatest(seats_purchased - seats_assigned, 0) as unassigned_seats,
        -- without seats bought, assignments are free, lapsed or shadow use: a different finding
        case
            when seats_purchased > 0 then greatest(seats_assigned - seats_purchased, 0) else 0
        end as over_allocated_seats,
        coalesce(
            seats_assigned > seats_purchased * {{ var('over_allocation_risk_ratio') }}
            and seats_purchased > 0,
            false
        ) as is_over_allocation_risk,
        annual_license_cost_usd / nullif(seats_purchased, 0) as cost_per_seat_usd,
        annual_license_cost_usd / nullif(active_users, 0) as cost_per_active_user_usd
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
        cast(over_allocated_seats as integer) as over_allocated_seats,

        -- the application's activity window and the seats it leaves idle
        cast(activity_window_days as integer) as activity_window_days,
        cast(exempt_seats as integer) as exempt_seats,
        cast(never_active_assigned_users as integer) as never_active_assigned_users,
        cast(inactive_assigned_seats as integer) as inactive_assigned_seats,
        cast(unassigned_seats as integer) as unassigned_seats,
        is_over_allocation_risk,

        -- how the unused cost moves with the activity window
        {% for days in windows -%}
            {{ money('coalesce(unused_seats_' ~ days ~ 'd * cost_per_seat_usd, 0)') }}
                as unused_license_cost_{{ days }}d_usd,
        {% endfor -%}

        -- what each person who used the application costs
        {{ money('cost_per_active_user_usd') }} as cost_per_active_user_usd

    from measured

)

select * from final
