with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

entra_skus_resolved as (

    select * from {{ ref('int_entra_skus_resolved') }}

),

licenses_assigned as (

    select * from {{ ref('int_entra_licenses_assigned') }}

),

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

active_users as (

    select * from {{ ref('int_application_active_users_windowed') }}

),

contract_skus as (

    select
        application_id,
        coalesce(sku, '{{ var("unnamed_sku") }}') as sku,
        sum(seats) as seats_purchased,
        sum(annual_cost_usd) as annual_license_cost_usd
    from contracts
    where is_active and application_id is not null
    group by application_id, coalesce(sku, '{{ var("unnamed_sku") }}')

),

entra_skus as (

    -- Entra's own counts: units bought and enabled, and units assigned to users
    select
        application_id,
        sku,
        sum(enabled_units) as enabled_units,
        sum(consumed_units) as consumed_units
    from entra_skus_resolved
    group by application_id, sku

),

licensed_active_users as (

    -- where Entra says who holds which license, a SKU's active users are its holders who are
    -- active users of the application (people, within the application's window)
    select
        licenses_assigned.application_id,
        licenses_assigned.sku,
        licenses_assigned.user_key
    from licenses_assigned
    inner join user_activity
        on
            licenses_assigned.application_id = user_activity.application_id
            and licenses_assigned.user_key = user_activity.user_key
    inner join active_users
        on licenses_assigned.application_id = active_users.application_id
    where
        not user_activity.is_service_account
        and user_activity.last_active_date
        > {{ as_of_date() }} - active_users.activity_window_days

),

licensed_counts as (

    select
        application_id,
        sku,
        count(distinct user_key) as active_users
    from licensed_active_users
    group by application_id, sku

),

unlicensed_active_users as (

    -- the application's active users no Entra license accounts for, left to share out
    select
        active_users.application_id,
        greatest(
            active_users.active_users - count(distinct licensed_active_users.user_key), 0
        ) as active_users
    from active_users
    left join licensed_active_users
        on active_users.application_id = licensed_active_users.application_id
    group by active_users.application_id, active_users.active_users

),

skus as (

    select
        entra_skus.consumed_units as seats_assigned,
        coalesce(contract_skus.application_id, entra_skus.application_id) as application_id,
        coalesce(contract_skus.sku, entra_skus.sku) as sku,
        case when contract_skus.sku is not null then 'contracts' else 'entra' end
            as seats_purchased_source,
        coalesce(contract_skus.seats_purchased, entra_skus.enabled_units, 0) as seats_purchased,
        case when entra_skus.sku is not null then 'assigned_licenses' else 'seat_share' end
            as active_user_attribution,
        coalesce(contract_skus.annual_license_cost_usd, 0) as annual_license_cost_usd
    from contract_skus
    full outer join entra_skus
        on
            contract_skus.application_id = entra_skus.application_id
            and contract_skus.sku = entra_skus.sku

),

seat_shares as (

    -- without per-user licenses, an application's remaining active users are shared out over its
    -- SKUs in proportion to their seats; the largest remainders get the leftover users, so the
    -- shares are whole users adding up to the application's count
    select
        skus.application_id,
        skus.sku,
        coalesce(unlicensed_active_users.active_users, 0) * skus.seats_purchased
        / nullif(sum(skus.seats_purchased) over (partition by skus.application_id), 0)
            as exact_share
    from skus
    left join unlicensed_active_users
        on skus.application_id = unlicensed_active_users.application_id
    where skus.active_user_attribution = 'seat_share'

),

seat_shares_rounded as (

    select
        application_id,
        sku,
        floor(coalesce(exact_share, 0)) as floor_share,
        row_number() over (
            partition by application_id
            order by coalesce(exact_share, 0) - floor(coalesce(exact_share, 0)) desc, sku asc
        ) as remainder_rank,
        round(sum(coalesce(exact_share, 0)) over (partition by application_id))
        - sum(floor(coalesce(exact_share, 0))) over (partition by application_id)
            as leftover_users
    from seat_shares

),

attributed as (

    select
        skus.*,
        case
            when skus.active_user_attribution = 'assigned_licenses'
                then coalesce(licensed_counts.active_users, 0)
            else
                seat_shares_rounded.floor_share
                + case
                    when seat_shares_rounded.remainder_rank <= seat_shares_rounded.leftover_users
                        then 1
                    else 0
                end
        end as active_users
    from skus
    left join licensed_counts
        on
            skus.application_id = licensed_counts.application_id
            and skus.sku = licensed_counts.sku
    left join seat_shares_rounded
        on
            skus.application_id = seat_shares_rounded.application_id
            and skus.sku = seat_shares_rounded.sku

),

final as (

    select
        -- ids
        attributed.application_id,
        attributed.sku,

        -- strings
        applications.application_name,
        attributed.seats_purchased_source,
        attributed.active_user_attribution,

        -- dates
        {{ as_of_date() }} as as_of_date,

        -- seats and users
        cast(attributed.seats_purchased as integer) as seats_purchased,
        cast(attributed.seats_assigned as integer) as seats_assigned,
        cast(attributed.active_users as integer) as active_users,
        cast(
            round(attributed.active_users * 100.0 / nullif(attributed.seats_purchased, 0), 2)
            as decimal(9, 2)
        ) as utilization_pct,
        cast(greatest(attributed.seats_purchased - attributed.active_users, 0) as integer)
            as unused_seats,

        -- amounts
        {{ money('attributed.annual_license_cost_usd') }} as annual_license_cost_usd,
        {{ money('attributed.annual_license_cost_usd / nullif(attributed.seats_purchased, 0)') }}
            as cost_per_seat_usd,
        {{ money(
            'coalesce(greatest(attributed.seats_purchased - attributed.active_users, 0)'
            ~ ' * attributed.annual_license_cost_usd / nullif(attributed.seats_purchased, 0), 0)'
        ) }} as unused_license_cost_usd

    from attributed
    inner join applications
        on attributed.application_id = applications.application_id

)

select * from final
