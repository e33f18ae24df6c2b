with

spend_lines as (

    select * from {{ ref('int_spend_lines_converted') }}

),

cost_types as (

    select * from {{ ref('spend_cost_types') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

descriptions as (

    -- lines repeat a few hundred descriptions: each is matched against the rules once (every
    -- line against every rule took 2.2 s at L, a regular expression per pair)
    select distinct lower(coalesce(description, '')) as description_key
    from spend_lines

),

rule_matches as (

    -- the first rule whose pattern the description matches; the seed's last rule matches anything
    select
        descriptions.description_key,
        cost_types.cost_type,
        cost_types.charge_category,
        cost_types.charge_frequency,
        row_number() over (
            partition by descriptions.description_key
            order by cost_types.rule_order
        ) as rule_rank
    from descriptions
    inner join cost_types
        on regexp_matches(descriptions.description_key, cost_types.description_pattern)

),

covering_contracts as (

    -- the contract of the line's application in force on the invoice date; of several, the
    -- largest speaks for the line so that it is attributed to exactly one contract
    select
        spend_lines.spend_line_id,
        contracts.contract_id,
        contracts.sku,
        contracts.category,
        row_number() over (
            partition by spend_lines.spend_line_id
            order by contracts.seats desc, contracts.contract_id asc
        ) as contract_rank
    from spend_lines
    inner join contracts
        on
            spend_lines.application_id = contracts.application_id
            and spend_lines.invoice_date between contracts.start_date and contracts.end_date

),

classified as (

    select
        spend_lines.*,
        rule_matches.cost_type,
        rule_matches.charge_frequency,
        covering_contracts.contract_id,
        covering_contracts.sku as contract_sku,
        covering_contracts.category as contract_category,
        -- FOCUS: a negative line (a credit note) is a Credit whatever it was for
        case
            when spend_lines.amount < 0 then 'Credit'
            else rule_matches.charge_category
        end as charge_category,
        covering_contracts.contract_id is not null as has_contract
    from spend_lines
    left join rule_matches
        on
            lower(coalesce(spend_lines.description, '')) = rule_matches.description_key
            and rule_matches.rule_rank = 1
    left join covering_contracts
        on
            spend_lines.spend_line_id = covering_contracts.spend_line_id
            and covering_contracts.contract_rank = 1

)

select * from classified
