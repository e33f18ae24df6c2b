with

objectives as (

    select * from {{ ref('int_objectives_converted') }}

),

quadrants as (

    select * from {{ ref('portfolio_quadrants') }}

),

allocations as (

    select * from {{ ref('int_application_costs_allocated') }}

),

application_objectives as (

    select * from {{ ref('int_application_objectives_valued') }}

),

executives as (

    select distinct owner_title
    from objectives

),

cells as (

    -- every executive gets all four budgets, empty ones included, so the grid is always whole
    select
        executives.owner_title,
        quadrants.quadrant,
        quadrants.quadrant_name,
        quadrants.value_type,
        quadrants.business_mode
    from executives
    cross join quadrants

),

cell_objectives as (

    select
        owner_title,
        value_type,
        business_mode,
        count(*) as objective_count,
        sum(annual_value_usd) as objective_annual_value_usd
    from objectives
    group by owner_title, value_type, business_mode

),

cell_costs as (

    select
        objectives.owner_title,
        objectives.value_type,
        objectives.business_mode,
        count(distinct allocations.application_id) as application_count,
        sum(allocations.allocated_annual_cost_usd) as allocated_annual_cost_usd
    from allocations
    inner join objectives
        on allocations.objective_id = objectives.objective_id
    group by objectives.owner_title, objectives.value_type, objectives.business_mode

),

cell_values as (

    select
        objectives.owner_title,
        objectives.value_type,
        objectives.business_mode,
        sum(application_objectives.attributed_annual_value_usd) as attributed_annual_value_usd
    from application_objectives
    inner join objectives
        on application_objectives.objective_id = objectives.objective_id
    group by objectives.owner_title, objectives.value_type, objectives.business_mode

),

aligned_budgets as (

    select
        cells.quadrant,
        cells.quadrant_name,
        cells.owner_title,
        cells.value_type,
        cells.business_mode,
        coalesce(cell_objectives.objective_count, 0) as objective_count,
        coalesce(cell_costs.application_count, 0) as application_count,
        coalesce(cell_objectives.objective_annual_value_usd, 0) as objective_annual_value_usd,
        coalesce(cell_values.attributed_annual_value_usd, 0) as attributed_annual_value_usd,
        coalesce(cell_costs.allocated_annual_cost_usd, 0) as allocated_annual_cost_usd
    from cells
    left join cell_objectives
        on
            cells.owner_title = cell_objectives.owner_title
            and cells.value_type = cell_objectives.value_type
            and cells.business_mode = cell_objectives.business_mode
    left join cell_costs
        on
            cells.owner_title = cell_costs.owner_title
            and cells.value_type = cell_costs.value_type
            and cells.business_mode = cell_costs.business_mode
    left join cell_values
        on
            cells.owner_title = cell_values.owner_title
            and cells.value_type = cell_values.value_type
            and cells.business_mode = cell_values.business_mode

),

unaligned_budget as (

    -- the applications serving no objective belong to no executive: one bucket for all
    select
        'unaligned' as quadrant,
        'Serving no objective' as quadrant_name,
        cast(null as varchar) as owner_title,
        cast(null as varchar) as value_type,
        cast(null as varchar) as business_mode,
        0 as objective_count,
        count(*) as application_count,
        0 as objective_annual_value_usd,
        0 as attributed_annual_value_usd,
        coalesce(sum(allocated_annual_cost_usd), 0) as allocated_annual_cost_usd
    from allocations
    where not is_aligned

),

budgets as (

    select * from aligned_budgets
    union all
    select * from unaligned_budget

),

total_spend as (

    select sum(allocated_annual_cost_usd) as total_annual_spend_usd
    from allocations

),

final as (

    select
        -- keys
        budgets.quadrant,
        budgets.owner_title,

        -- strings
        budgets.quadrant_name,
        budgets.value_type,
        budgets.business_mode,

        -- counts
        cast(budgets.objective_count as integer) as objective_count,
        cast(budgets.application_count as integer) as application_count,

        -- amounts (allocations are whole cents already, so their sums are exact)
        {{ money('budgets.objective_annual_value_usd') }} as objective_annual_value_usd,
        {{ money('budgets.attributed_annual_value_usd') }} as attributed_annual_value_usd,
        cast(budgets.allocated_annual_cost_usd as decimal(18, 2)) as allocated_annual_cost_usd,
        cast(
            round(
                100 * budgets.allocated_annual_cost_usd
                / nullif(total_spend.total_annual_spend_usd, 0),
                2
            ) as decimal(9, 2)
        ) as spend_share_pct

    from budgets
    cross join total_spend

)

select * from final
