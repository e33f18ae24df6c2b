{%- set window_days = var('renewal_match_window_days') -%}

-- Renewals read from the contracts' history, one row per renewed term, with the terms before and
-- after. Two shapes: a new version of the same contract_id whose end_date moved later (renewed
-- in place), or a successor contract for the same application and SKU starting within
-- renewal_match_window_days of an earlier contract's end. A change that does not extend the
-- term (a mid-term true-up, a correction) is no renewal.
with

snapshot as (

    select * from {{ ref('contracts_snapshot') }}

),

versions as (

    select
        contract_id,
        application_id,
        sku,
        currency,
        seats,
        annual_cost,
        start_date,
        end_date,
        dbt_valid_from,
        row_number() over (
            partition by contract_id order by dbt_valid_from
        ) as version_number,
        count(*) over (partition by contract_id) as version_count
    from snapshot
    where application_id is not null

),

renewed_in_place as (

    select
        after_renewal.contract_id,
        before_renewal.contract_id as previous_contract_id,
        after_renewal.application_id,
        'same_contract' as renewal_type,
        -- the renewed term starts the day after the previous one ended
        cast(before_renewal.end_date + 1 as date) as renewal_date,
        before_renewal.seats as seats_before,
        after_renewal.seats as seats_after,
        before_renewal.annual_cost as annual_cost_before,
        before_renewal.currency as currency_before,
        after_renewal.annual_cost as annual_cost_after,
        after_renewal.currency as currency_after,
        after_renewal.dbt_valid_from as observed_at
    from versions as before_renewal
    inner join versions as after_renewal
        on
            before_renewal.contract_id = after_renewal.contract_id
            and after_renewal.version_number = before_renewal.version_number + 1
    where after_renewal.end_date > before_renewal.end_date

),

successor_candidates as (

    -- the successor as first signed, against the predecessor's last known terms
    select
        successor.contract_id,
        predecessor.contract_id as previous_contract_id,
        successor.application_id,
        'successor_contract' as renewal_type,
        successor.start_date as renewal_date,
        predecessor.seats as seats_before,
        successor.seats as seats_after,
        predecessor.annual_cost as annual_cost_before,
        predecessor.currency as currency_before,
        successor.annual_cost as annual_cost_after,
        successor.currency as currency_after,
        successor.dbt_valid_from as observed_at,
        -- one predecessor per successor and one successor per predecessor: the nearest ones
        row_number() over (
            partition by successor.contract_id
            order by predecessor.end_date desc, predecessor.contract_id asc
        ) as predecessor_rank,
        row_number() over (
            partition by predecessor.contract_id
            order by successor.start_date asc, successor.contract_id asc
        ) as successor_rank
    from versions as successor
    inner join versions as predecessor
        on
            successor.application_id = predecessor.application_id
            and successor.sku is not distinct from predecessor.sku
            and successor.contract_id != predecessor.contract_id
            and successor.start_date > predecessor.start_date
            and successor.end_date > predecessor.end_date
            and successor.start_date
            between predecessor.end_date - {{ window_days }}
            and predecessor.end_date + {{ window_days }}
    where
        successor.version_number = 1
        and predecessor.version_number = predecessor.version_count

),

renewals as (

    select
        contract_id,
        previous_contract_id,
        application_id,
        renewal_type,
        renewal_date,
        seats_before,
        seats_after,
        annual_cost_before,
        currency_before,
        annual_cost_after,
        currency_after,
        observed_at
    from renewed_in_place

    union all

    select
        contract_id,
        previous_contract_id,
        application_id,
        renewal_type,
        renewal_date,
        seats_before,
        seats_after,
        annual_cost_before,
        currency_before,
        annual_cost_after,
        currency_after,
        observed_at
    from successor_candidates
    where predecessor_rank = 1 and successor_rank = 1

),

deduplicated as (

    -- terms corrected back and forth can renew one term twice: the latest reading speaks
    select
        *,
        row_number() over (
            partition by contract_id, renewal_date order by observed_at desc
        ) as reading_rank
    from renewals

),

final as (

    select
        contract_id,
        previous_contract_id,
        application_id,
        renewal_type,
        renewal_date,
        seats_before,
        seats_after,
        annual_cost_before,
        currency_before,
        annual_cost_after,
        currency_after,
        observed_at
    from deduplicated
    where reading_rank = 1

)

select * from final
