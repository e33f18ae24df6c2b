with

portfolio_matrix as (

    select * from {{ ref('portfolio_matrix') }}

),

executive_budgets as (

    select
        owner_title,
        sum(objective_count) as objective_count,
        sum(objective_annual_value_usd) as objective_annual_value_usd,
        sum(attributed_annual_value_usd) as attributed_annual_value_usd,
        sum(allocated_annual_cost_usd) as aligned_annual_cost_usd
    from portfolio_matrix
    where owner_title is not null
    group by owner_title

),

company as (

    -- the matrix holds every cent of spend once: aligned budgets plus the unaligned bucket
    select
        sum(allocated_annual_cost_usd) as total_annual_spend_usd,
        sum(allocated_annual_cost_usd) filter (where owner_title is not null)
            as aligned_annual_spend_usd
    from portfolio_matrix

),

final as (

    select
        -- ids
        executive_budgets.owner_title,

        -- counts
        cast(executive_budgets.objective_count as integer) as objective_count,

        -- amounts
        cast(executive_budgets.objective_annual_value_usd as decimal(18, 2))
            as objective_annual_value_usd,
        cast(executive_budgets.attributed_annual_value_usd as decimal(18, 2))
            as attributed_annual_value_usd,
        cast(executive_budgets.aligned_annual_cost_usd as decimal(18, 2))
            as aligned_annual_cost_usd,

        -- shares of the company's total software spend
        cast(
            round(
                100 * executive_budgets.aligned_annual_cost_usd
                / nullif(company.total_annual_spend_usd, 0),
                2
            ) as decimal(9, 2)
        ) as aligned_spend_pct,

        -- the company as a whole, repeated on every row for a dashboard tile
        cast(company.total_annual_spend_usd as decimal(18, 2)) as company_annual_spend_usd,
        cast(coalesce(company.aligned_annual_spend_usd, 0) as decimal(18, 2))
            as company_aligned_annual_spend_usd,
        cast(
            round(
                100 * coalesce(company.aligned_annual_spend_usd, 0)
                / nullif(company.total_annual_spend_usd, 0),
                2
            ) as decimal(9, 2)
        ) as company_aligned_spend_pct

    from executive_budgets
    cross join company

)

select * from final
