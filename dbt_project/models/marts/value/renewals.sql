with

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

application_seats as (

    -- seats of all the application's contracts in force, which share the application's need
    select
        application_id,
        sum(seats) as active_seats
    from contracts
    where is_active
    group by application_id

),

ending as (

    select
        contracts.contract_id,
        contracts.application_id,
        applications.application_name,
        contracts.vendor_name,
        contracts.sku,
        contracts.owner_email,
        contracts.seats,
        contracts.annual_cost_usd,
        contracts.is_auto_renew,
        contracts.notice_period_days,
        contracts.end_date,
        license_utilization.active_users,
        license_utilization.utilization_pct,
        application_seats.active_seats,
        applications.seen_in_okta as has_usage_data,
        -- no recorded notice period: notice can be given up to the last day
        contracts.end_date - coalesce(contracts.notice_period_days, 0) as notice_deadline_date
    from contracts
    inner join applications
        on contracts.application_id = applications.application_id
    inner join license_utilization
        on contracts.application_id = license_utilization.application_id
    inner join application_seats
        on contracts.application_id = application_seats.application_id
    where
        contracts.is_active
        and contracts.end_date <= {{ as_of_date() }} + {{ var('renewal_horizon_days') }}

),

recommended as (

    select
        *,
        -- without identity-provider usage the active count is unknown, not zero: no advice;
        -- several contracts in force share the need in proportion to their seats
        case
            when has_usage_data
                then
                    ceil(
                        active_users * (1 + {{ var('right_size_seat_buffer') }})
                        * seats / active_seats
                    )
        end as recommended_seats
    from ending

),

reduced as (

    select
        *,
        coalesce(greatest(seats - recommended_seats, 0), 0) as seat_reduction
    from recommended

),

final as (

    select
        -- ids
        contract_id,
        application_id,

        -- strings
        application_name,
        vendor_name,
        sku,
        {{ owner_contact('owner_email') }} as owner_email,
        case
            when notice_deadline_date < {{ as_of_date() }} then 'overdue'
            when notice_deadline_date <= {{ as_of_date() }} + {{ var('renewal_due_days') }}
                then 'renewal_due'
            else 'active'
        end as renewal_state,

        -- dates
        end_date,
        notice_deadline_date,
        cast(notice_deadline_date - {{ as_of_date() }} as integer)
            as notice_deadline_remaining_days,

        -- flags
        owner_email is null as is_owner_missing,
        is_auto_renew,
        has_usage_data,

        -- seats and usage
        cast(seats as integer) as seats,
        cast(active_users as integer) as active_users,
        utilization_pct,
        cast(recommended_seats as integer) as recommended_seats,
        cast(seat_reduction as integer) as seat_reduction,

        -- amounts
        {{ money('annual_cost_usd') }} as annual_cost_usd,
        {{ money('coalesce(seat_reduction * annual_cost_usd / nullif(seats, 0), 0)') }}
            as right_size_annual_saving_usd

    from reduced

)

select * from final
