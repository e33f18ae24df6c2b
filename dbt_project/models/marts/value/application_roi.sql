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

    select * from {{ ref('int_application_objectives_valued') }}

),

active_users as (

    select * from {{ ref('int_application_active_users_windowed') }}

),

productivity_assumptions as (

    select * from {{ ref('productivity_assumptions') }}

),

categories as (

    -- the category of the largest contract in force, else of the latest one (as applications)
    select
        application_id,
        category,
        row_number() over (
            partition by application_id
            order by category is null, is_active desc, seats desc, end_date desc, contract_id asc
        ) as category_rank
    from contracts
    where application_id is not null

),

active_contracts as (

    select distinct application_id
    from contracts
    where is_active

),

benefits as (

    select
        application_id,
        sum(attributed_annual_value_usd) as objective_benefit_usd,
        count(*) as objective_count
    from application_objectives
    group by application_id

),

components as (

    select
        applications.application_id,
        applications.application_name,
        costs.license_annual_cost_usd,
        costs.other_annual_cost_usd,
        coalesce(benefits.objective_benefit_usd, 0) as objective_benefit_usd,
        coalesce(benefits.objective_count, 0) as objective_count,
        coalesce(active_users.active_users, 0) as active_users,
        coalesce(
            productivity_assumptions.hours_saved_per_user_per_year,
            {{ var('productivity_hours_saved_per_user_per_year') }}
        ) as hours_saved_per_user_per_year,
        coalesce(
            productivity_assumptions.loaded_hourly_rate_usd,
            {{ var('productivity_loaded_hourly_rate_usd') }}
        ) as loaded_hourly_rate_usd,
        -- completeness: what the figures rest on
        applications.seen_in_okta as has_usage_data,
        active_contracts.application_id is not null as has_contract,
        benefits.application_id is not null as has_objective_mapping
    from applications
    inner join costs
        on applications.application_id = costs.application_id
    left join benefits
        on applications.application_id = benefits.application_id
    left join active_users
        on applications.application_id = active_users.application_id
    left join active_contracts
        on applications.application_id = active_contracts.application_id
    left join categories
        on
            applications.application_id = categories.application_id
            and categories.category_rank = 1
    left join productivity_assumptions
        -- categories are spelt by people: 'Collaboration' and 'collaboration' are one
        on lower(categories.category) = lower(productivity_assumptions.category)

),

totals as (

    select
        *,
        active_users * hours_saved_per_user_per_year * loaded_hourly_rate_usd
            as productivity_benefit_usd,
        license_annual_cost_usd + other_annual_cost_usd as annual_cost_usd
    from components

),

ranged as (

    select
        *,
        objective_benefit_usd + productivity_benefit_usd as annual_benefit_usd,
        objective_benefit_usd * {{ var('roi_objective_value_low_factor') }}
        + productivity_benefit_usd * {{ var('roi_productivity_low_factor') }}
            as annual_benefit_low_usd,
        objective_benefit_usd * {{ var('roi_objective_value_high_factor') }}
        + productivity_benefit_usd * {{ var('roi_productivity_high_factor') }}
            as annual_benefit_high_usd,
        -- every missing input lowers the grade one step: A (all three) to D (none)
        cast(not has_usage_data as integer)
        + cast(not has_contract as integer)
        + cast(not has_objective_mapping as integer) as missing_input_count
    from totals

),

final as (

    select
        -- ids
        application_id,

        -- strings
        application_name,

        -- amounts
        {{ money('annual_cost_usd') }} as annual_cost_usd,
        {{ money('annual_benefit_usd') }} as annual_benefit_usd,
        {{ money('annual_benefit_usd - annual_cost_usd') }} as net_annual_benefit_usd,

        -- ratios
        cast(
            round((annual_benefit_usd - annual_cost_usd) / nullif(annual_cost_usd, 0), 4)
            as decimal(18, 4)
        ) as roi_ratio,
        cast(
            round(annual_cost_usd / nullif(annual_benefit_usd / 12, 0), 2) as decimal(18, 2)
        ) as payback_months,

        -- numerics
        cast(objective_count as integer) as objective_count,

        -- cost components
        {{ money('license_annual_cost_usd') }} as license_annual_cost_usd,
        {{ money('other_annual_cost_usd') }} as other_annual_cost_usd,

        -- benefit components
        {{ money('objective_benefit_usd') }} as objective_benefit_usd,
        cast(active_users as integer) as active_users,
        cast(hours_saved_per_user_per_year as decimal(9, 2)) as hours_saved_per_user_per_year,
        {{ money('loaded_hourly_rate_usd') }} as loaded_hourly_rate_usd,
        {{ money('productivity_benefit_usd') }} as productivity_benefit_usd,

        -- sensitivity
        {{ money('annual_benefit_low_usd') }} as annual_benefit_low_usd,
        {{ money('annual_benefit_high_usd') }} as annual_benefit_high_usd,
        cast(
            round((annual_benefit_low_usd - annual_cost_usd) / nullif(annual_cost_usd, 0), 4)
            as decimal(18, 4)
        ) as roi_low_ratio,
        cast(
            round((annual_benefit_high_usd - annual_cost_usd) / nullif(annual_cost_usd, 0), 4)
            as decimal(18, 4)
        ) as roi_high_ratio,

        -- confidence
        has_usage_data,
        has_contract,
        has_objective_mapping,
        case missing_input_count
            when 0 then 'A'
            when 1 then 'B'
            when 2 then 'C'
            else 'D'
        end as confidence_grade

    from ranged

)

select * from final
