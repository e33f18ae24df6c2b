with

applications as (

    select * from {{ ref('applications') }}

),

license_utilization as (

    select * from {{ ref('license_utilization') }}

),

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

members as (

    select
        applications.category,
        applications.application_id,
        applications.application_name,
        applications.annual_cost_usd,
        license_utilization.active_users,
        license_utilization.unused_seats,
        license_utilization.cost_per_seat_usd,
        count(*) over (partition by applications.category) as application_count
    from applications
    inner join license_utilization
        on applications.application_id = license_utilization.application_id
    where applications.category is not null

),

grouped as (

    -- consolidation keeps the most used application of the group; a tie keeps the cheaper one
    select
        *,
        row_number() over (
            partition by category
            order by active_users desc, annual_cost_usd asc, application_name asc
        ) = 1 as is_kept
    from members
    where application_count >= {{ var('redundancy_min_applications') }}

),

active_users as (

    select
        grouped.category,
        grouped.is_kept,
        user_activity.user_key
    from user_activity
    inner join grouped
        on user_activity.application_id = grouped.application_id
    where user_activity.last_active_date > {{ as_of_date() }} - {{ var('activity_window_days') }}

),

users as (

    select
        category,
        user_key,
        count(*) as active_application_count,
        bool_or(is_kept) as is_active_in_kept
    from active_users
    group by category, user_key

),

user_counts as (

    select
        category,
        count(*) as active_user_count,
        count(*) filter (where active_application_count > 1) as multi_application_user_count,
        count(*) filter (where not is_active_in_kept) as users_to_migrate_count
    from users
    group by category

),

group_totals as (

    select
        category,
        count(*) as application_count,
        string_agg(application_name, ', ' order by application_name) as application_names,
        sum(annual_cost_usd) as annual_cost_usd,
        sum(annual_cost_usd) filter (where not is_kept) as removed_annual_cost_usd
    from grouped
    group by category

),

consolidated as (

    select
        group_totals.category,
        group_totals.application_count,
        group_totals.application_names,
        kept.application_id as kept_application_id,
        kept.application_name as kept_application_name,
        group_totals.annual_cost_usd,
        group_totals.removed_annual_cost_usd,
        coalesce(user_counts.active_user_count, 0) as active_user_count,
        coalesce(user_counts.multi_application_user_count, 0) as multi_application_user_count,
        coalesce(user_counts.users_to_migrate_count, 0) as users_to_migrate_count,
        -- migrated users fill the kept application's unused seats first
        greatest(coalesce(user_counts.users_to_migrate_count, 0) - kept.unused_seats, 0)
            as seats_to_add,
        -- a kept application without a per-seat price prices a seat at its cost per active user,
        -- else at the group's (never free: that would overstate the saving); 0 only when the
        -- group has no active user, and then no seat is added
        coalesce(
            kept.cost_per_seat_usd,
            kept.annual_cost_usd / nullif(kept.active_users, 0),
            group_totals.annual_cost_usd / nullif(user_counts.active_user_count, 0),
            0
        ) as added_seat_price_usd
    from group_totals
    inner join grouped as kept
        on group_totals.category = kept.category and kept.is_kept
    left join user_counts
        on group_totals.category = user_counts.category

),

priced as (

    -- rounded before the subtraction, so the saving is exactly removed minus added as published
    select
        *,
        {{ money('seats_to_add * added_seat_price_usd') }} as added_seat_cost_usd
    from consolidated

),

final as (

    select
        -- ids
        category as redundancy_group_id,
        kept_application_id,

        -- strings
        category,
        application_names,
        kept_application_name,

        -- counts
        cast(application_count as integer) as application_count,
        cast(active_user_count as integer) as active_user_count,
        cast(multi_application_user_count as integer) as multi_application_user_count,
        cast(users_to_migrate_count as integer) as users_to_migrate_count,
        cast(seats_to_add as integer) as seats_to_add,

        -- amounts
        cast(annual_cost_usd as decimal(18, 2)) as annual_cost_usd,
        cast(removed_annual_cost_usd as decimal(18, 2)) as removed_annual_cost_usd,
        added_seat_cost_usd,
        cast(removed_annual_cost_usd - added_seat_cost_usd as decimal(18, 2))
            as consolidation_annual_saving_usd

    from priced

)

select * from final
