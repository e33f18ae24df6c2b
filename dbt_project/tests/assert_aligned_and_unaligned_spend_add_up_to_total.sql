-- Every dollar of spend is either aligned to an objective or not: the audit summary's split must
-- account for the whole total, and the total must be the catalogue's.
with

summary as (

    select * from {{ ref('audit_summary') }}

),

applications as (

    select coalesce(sum(annual_cost_usd), 0) as catalogue_annual_spend_usd
    from {{ ref('applications') }}

)

select
    summary.total_annual_spend_usd,
    summary.aligned_annual_spend_usd,
    summary.unaligned_annual_spend_usd,
    applications.catalogue_annual_spend_usd
from summary
cross join applications
where
    summary.aligned_annual_spend_usd + summary.unaligned_annual_spend_usd
    != summary.total_annual_spend_usd
    or summary.total_annual_spend_usd != applications.catalogue_annual_spend_usd
