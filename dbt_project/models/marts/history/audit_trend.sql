with

history as (

    select * from {{ ref('int_audit_figures_historized') }}

),

reproduced as (

    -- an old audit reproduced shows the trend as it stood then, not audits after its date
    select *
    from history
    where as_of_date <= {{ as_of_date() }}

),

compared as (

    select
        *,
        lag(as_of_date) over by_date as previous_as_of_date,
        lag(application_count) over by_date as previous_application_count,
        lag(active_contract_count) over by_date as previous_active_contract_count,
        lag(total_annual_spend_usd) over by_date as previous_total_annual_spend_usd,
        lag(aligned_annual_spend_usd) over by_date as previous_aligned_annual_spend_usd,
        lag(unused_license_cost_usd) over by_date as previous_unused_license_cost_usd,
        lag(aligned_spend_pct) over by_date as previous_aligned_spend_pct,
        lag(utilization_pct) over by_date as previous_utilization_pct
    from reproduced
    window by_date as (order by as_of_date)

),

final as (

    select
        -- dates
        as_of_date,
        previous_as_of_date,
        refreshed_at,

        -- the refresh's figures
        application_count,
        active_contract_count,
        seats_purchased,
        seats_in_use,
        total_annual_spend_usd,
        aligned_annual_spend_usd,
        unaligned_annual_spend_usd,
        unused_license_cost_usd,
        annual_license_cost_usd,
        aligned_spend_pct,
        utilization_pct,

        -- changes since the previous audit date; null for the first
        cast(as_of_date - previous_as_of_date as integer) as elapsed_days,
        cast(application_count - previous_application_count as integer)
            as application_count_change,
        cast(active_contract_count - previous_active_contract_count as integer)
            as active_contract_count_change,
        cast(total_annual_spend_usd - previous_total_annual_spend_usd as decimal(18, 2))
            as total_annual_spend_change_usd,
        cast(aligned_annual_spend_usd - previous_aligned_annual_spend_usd as decimal(18, 2))
            as aligned_annual_spend_change_usd,
        cast(unused_license_cost_usd - previous_unused_license_cost_usd as decimal(18, 2))
            as unused_license_cost_change_usd,
        -- in percentage points
        cast(aligned_spend_pct - previous_aligned_spend_pct as decimal(9, 2))
            as aligned_spend_change_pct,
        cast(utilization_pct - previous_utilization_pct as decimal(9, 2))
            as utilization_change_pct

    from compared

)

select * from final
