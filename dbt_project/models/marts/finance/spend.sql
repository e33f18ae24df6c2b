with

spend_lines as (

    select * from {{ ref('int_spend_lines_classified') }}

),

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

contracts as (

    select * from {{ ref('int_contracts_annualized') }}

),

service_categories as (

    select * from {{ ref('focus_service_categories') }}

),

application_categories as (

    -- procurement's category of the application, from its most recent contract that names one
    select
        application_id,
        category,
        row_number() over (
            partition by application_id
            order by end_date desc, contract_id asc
        ) as category_rank
    from contracts
    where application_id is not null and category is not null

),

final as (

    select
        -- ids
        spend_lines.spend_line_id,
        spend_lines.invoice_id,
        spend_lines.application_id,
        spend_lines.contract_id,
        spend_lines.contract_sku as sku_id,

        -- dates: FOCUS periods start inclusive and end exclusive
        spend_lines.invoice_date,
        cast(date_trunc('month', spend_lines.invoice_date) as date) as billing_period_start,
        cast(date_trunc('month', spend_lines.invoice_date) + interval 1 month as date)
            as billing_period_end,
        coalesce(
            spend_lines.service_period_start,
            cast(date_trunc('month', spend_lines.invoice_date) as date)
        ) as charge_period_start,
        coalesce(
            cast(spend_lines.service_period_end + interval 1 day as date),
            cast(date_trunc('month', spend_lines.invoice_date) + interval 1 month as date)
        ) as charge_period_end,

        -- the charge
        spend_lines.charge_category,
        spend_lines.charge_frequency,
        spend_lines.description as charge_description,
        spend_lines.cost_type,

        -- who was paid, for what: a SaaS vendor provides, publishes and invoices its product
        spend_lines.vendor_name as provider_name,
        spend_lines.vendor_name as publisher_name,
        spend_lines.vendor_name as invoice_issuer_name,
        coalesce(
            applications.application_name,
            {{ spend_application_name('spend_lines.product_name', 'spend_lines.vendor_name') }}
        ) as service_name,
        -- FOCUS's own bucket for a service outside its categories
        coalesce(service_categories.service_category, 'Other') as service_category,

        -- who pays
        spend_lines.cost_center,
        spend_lines.payment_method,

        -- amounts
        {{ money('spend_lines.amount') }} as billed_cost,
        spend_lines.currency as billing_currency,
        {{ money('spend_lines.amount_usd') }} as billed_cost_usd,

        -- flags
        spend_lines.has_contract,
        spend_lines.is_in_lookback

    from spend_lines
    left join applications
        on spend_lines.application_id = applications.application_id
    left join application_categories
        on
            spend_lines.application_id = application_categories.application_id
            and application_categories.category_rank = 1
    left join service_categories
        on lower(application_categories.category) = service_categories.category

)

select * from final
