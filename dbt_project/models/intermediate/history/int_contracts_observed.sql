-- The contract terms a refresh saw, without anything computed as of the audit date (is_active,
-- the converted cost): the snapshot then records changes to the contracts themselves, never an
-- audit date moving forward or back.
with

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

observed as (

    select
        -- ids
        contract_id,
        application_id,

        -- strings
        vendor_name,
        product_name,
        category,
        sku,
        owner_email,
        currency,
        billing_period,

        -- numerics
        seats,
        unit_price,
        notice_period_days,
        annual_cost,

        -- booleans
        is_auto_renew,

        -- dates
        start_date,
        end_date

    from contracts

)

select * from observed
