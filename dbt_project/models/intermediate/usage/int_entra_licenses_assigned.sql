with

graph_users as (

    select * from {{ ref('stg_graph__users') }}

),

skus_resolved as (

    select * from {{ ref('int_entra_skus_resolved') }}

),

user_skus as (

    -- disabled accounts keep the licenses nobody removed: they consume a unit, as Entra counts
    select
        coalesce(lower(email), lower(user_principal_name)) as user_key,
        unnest(assigned_sku_ids) as sku_id
    from graph_users

),

assigned as (

    select distinct
        skus_resolved.application_id,
        skus_resolved.sku,
        user_skus.user_key
    from user_skus
    inner join skus_resolved
        on user_skus.sku_id = skus_resolved.sku_id

)

select * from assigned
