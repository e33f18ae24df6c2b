{#- A view: a step of the seats' computation, which int_application_seats_classified
    materializes. Written as a table, its 1.6 million rows (scale L) were written, read back
    and tested again each day; its logic is pinned by its unit tests, its grain by the
    listing's key (the raw checks) and the one latest change per key. -#}
{{ config(materialized='view') }}

with

listing as (

    select * from {{ ref('stg_okta__app_users') }}

),

changes as (

    select * from {{ ref('stg_okta__app_user_changes') }}

),

listing_started as (

    -- one instant, the same on every row of the listing; null when the listing is empty
    select max(listed_at) as listed_at
    from listing

),

latest_changes as (

    -- a change published before the listing began is already in it; of the later ones, the last
    -- decides (the greater event id on a tie, so that a rebuild decides alike)
    select
        changes.okta_app_id,
        changes.user_id,
        changes.change_type,
        changes.published_at,
        changes.loaded_at
    from changes
    cross join listing_started
    where
        changes.outcome_result = 'SUCCESS'
        and changes.change_type in (
            'application.user_membership.add', 'application.user_membership.remove'
        )
        and (
            listing_started.listed_at is null
            or changes.published_at >= listing_started.listed_at
        )
    qualify row_number() over (
        partition by changes.okta_app_id, changes.user_id
        order by changes.published_at desc, changes.event_id desc
    ) = 1

),

listed_kept as (

    -- an add of a listed assignment keeps the listed row: the listing knows its scope and status
    select
        listing.okta_app_id,
        listing.user_id,
        listing.assignment_scope,
        listing.assignment_status,
        listing.created_at,
        listing.updated_at,
        listing.loaded_at,
        listing.listed_at
    from listing
    left join latest_changes
        on
            listing.okta_app_id = latest_changes.okta_app_id
            and listing.user_id = latest_changes.user_id
    where latest_changes.change_type is distinct from 'application.user_membership.remove'

),

added as (

    -- the System Log does not say whether the assignment came through a group, nor its status
    select
        latest_changes.okta_app_id,
        latest_changes.user_id,
        null::varchar as assignment_scope,
        '{{ var("okta_added_assignment_status") }}' as assignment_status,
        latest_changes.published_at as created_at,
        latest_changes.published_at as updated_at,
        latest_changes.loaded_at,
        listing_started.listed_at
    from latest_changes
    cross join listing_started
    left join listing
        on
            latest_changes.okta_app_id = listing.okta_app_id
            and latest_changes.user_id = listing.user_id
    where
        latest_changes.change_type = 'application.user_membership.add'
        and listing.user_id is null

),

replayed as (

    select * from listed_kept
    union all
    select * from added

)

select * from replayed
