with

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

itemized as (

    -- the one place the value models read an application's cost components: license (active
    -- contracts) and other recorded costs (spend pricing an application without a contract)
    select
        application_id,
        contract_annual_cost_usd as license_annual_cost_usd,
        annual_cost_usd - contract_annual_cost_usd as other_annual_cost_usd
    from costs

)

select * from itemized
