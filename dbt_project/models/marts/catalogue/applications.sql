with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

costs as (

    select * from {{ ref('int_application_costs_aggregated') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

application_objectives as (

    select * from {{ ref('int_application_objectives_resolved') }}

),

contracts_ranked as (

    -- the largest contract in force speaks for the application; older ones only fill gaps
    select
        application_id,
        category,
        owner_email,
        is_active,
        row_number() over (
            partition by application_id
            order by is_active desc, seats desc, end_date desc, contract_id asc
        ) as contract_rank,
        row_number() over (
            partition by application_id
            order by category is null, is_active desc, seats desc, end_date desc, contract_id asc
        ) as category_rank
    from contracts
    where application_id is not null

),

aligned as (

    select distinct application_id
    from application_objectives

),

final as (

    select
        -- ids
        applications.application_id,

        -- descriptions
        applications.application_name,
        category_contracts.category,
        applications.match_key,

        -- where the application is seen
        applications.seen_in_okta,
        applications.seen_in_contracts,
        applications.seen_in_spend,
        applications.seen_in_survey,
        cast(applications.source_count as integer) as source_count,

        -- status
        applications.is_sanctioned,
        aligned.application_id is not null as is_aligned,
        {{ owner_contact(
            'case when owner_contracts.is_active then owner_contracts.owner_email end'
        ) }} as owner_email,

        -- amounts
        {{ money('costs.annual_cost_usd') }} as annual_cost_usd,

        -- where the application is seen, from the sources added later
        applications.seen_in_graph,
        applications.seen_in_google,
        applications.seen_in_servicenow,
        applications.seen_in_snipeit,
        applications.source_systems,

        -- how its spellings were merged
        applications.match_rule,
        applications.match_rules

    from applications
    inner join costs
        on applications.application_id = costs.application_id
    left join contracts_ranked as owner_contracts
        on
            applications.application_id = owner_contracts.application_id
            and owner_contracts.contract_rank = 1
    left join contracts_ranked as category_contracts
        on
            applications.application_id = category_contracts.application_id
            and category_contracts.category_rank = 1
    left join aligned
        on applications.application_id = aligned.application_id

)

select * from final
