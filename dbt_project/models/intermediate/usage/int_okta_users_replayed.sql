with

listing as (

    select * from {{ ref('stg_okta__users') }}

),

changes as (

    select * from {{ ref('stg_okta__user_changes') }}

),

listed_unchanged as (

    -- a changed user is read again after the listing, in its state now: that state wins
    select listing.*
    from listing
    anti join changes
        on listing.user_id = changes.user_id

),

replayed as (

    select * from listed_unchanged
    union all by name
    select * from changes

)

select * from replayed
