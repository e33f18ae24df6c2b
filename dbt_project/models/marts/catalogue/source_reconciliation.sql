with

attributes as (

    select * from {{ ref('int_application_attributes_unioned') }}

),

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

reported as (

    select
        application_id,
        attribute,
        source_system,
        source_value,
        source_seats,
        -- the position of the source in var reconciliation_reference_sources; unlisted last
        case source_system
            {%- for source in var('reconciliation_reference_sources') %}
            when '{{ source }}' then {{ loop.index }}
            {%- endfor %}
        end as trust_rank,
        count(*) over (partition by application_id, attribute) as reporting_source_count
    from attributes

),

reference_values as (

    select
        application_id,
        attribute,
        source_system as reference_source,
        source_value as reference_value,
        source_seats as reference_seats,
        row_number() over (
            partition by application_id, attribute
            order by source_value is null, trust_rank asc nulls last, source_system asc
        ) as reference_rank
    from reported

),

compared as (

    select
        reported.application_id,
        reported.attribute,
        reported.source_system,
        reported.source_value,
        reported.source_seats,
        reported.reporting_source_count,
        reference_values.reference_source,
        reference_values.reference_value,
        reference_values.reference_seats,
        reported.source_value is not distinct from reference_values.reference_value as is_in_agreement
    from reported
    inner join reference_values
        on
            reported.application_id = reference_values.application_id
            and reported.attribute = reference_values.attribute
            and reference_values.reference_rank = 1
    -- a fact only one source reports has nothing to be reconciled with
    where reported.reporting_source_count > 1

),

final as (

    select
        -- ids
        compared.application_id,
        compared.attribute,
        compared.source_system,

        -- descriptions
        applications.application_name,
        compared.source_value,
        compared.reference_source,
        compared.reference_value,

        -- flags
        compared.source_system = compared.reference_source as is_reference,
        compared.is_in_agreement,
        not bool_and(compared.is_in_agreement) over (
            partition by compared.application_id, compared.attribute
        ) as is_disputed,

        -- counts
        cast(compared.reporting_source_count as integer) as reporting_source_count,
        cast(compared.source_seats as integer) as source_seats,
        cast(compared.reference_seats as integer) as reference_seats,
        cast(compared.source_seats - compared.reference_seats as integer) as seat_difference

    from compared
    inner join applications
        on compared.application_id = applications.application_id

)

select * from final
