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
        attribute_name,
        source_system,
        source_value,
        source_seats,
        -- the position of the source in var reconciliation_reference_sources; unlisted last
        case source_system
            {% for source in var('reconciliation_reference_sources') -%}
                when '{{ source }}' then {{ loop.index }}
            {% endfor -%}
        end as trust_rank,
        count(*) over (partition by application_id, attribute_name) as reporting_source_count
    from attributes

),

reference_values as (

    select
        application_id,
        attribute_name,
        source_system as reference_source,
        source_value as reference_value,
        source_seats as reference_seats,
        row_number() over (
            partition by application_id, attribute_name
            order by source_value is null, trust_rank asc nulls last, source_system asc
        ) as reference_rank
    from reported

),

compared as (

    select
        reported.application_id,
        reported.attribute_name,
        reported.source_system,
        reported.source_value,
        reported.source_seats,
        reported.reporting_source_count,
        reference_values.reference_source,
        reference_values.reference_value,
        reference_values.reference_seats,
        -- a missing value agrees only with a missing value
        coalesce(
            reported.source_value = reference_values.reference_value,
            reported.source_value is null and reference_values.reference_value is null
        ) as is_in_agreement
    from reported
    inner join reference_values
        on
            reported.application_id = reference_values.application_id
            and reported.attribute_name = reference_values.attribute_name
            and reference_values.reference_rank = 1
    -- a fact only one source reports has nothing to be reconciled with
    where reported.reporting_source_count > 1

),

disputed as (

    select
        *,
        source_system = reference_source as is_reference,
        not bool_and(is_in_agreement) over (
            partition by application_id, attribute_name
        ) as is_disputed
    from compared

),

final as (

    select
        -- ids
        disputed.application_id,
        disputed.attribute_name,
        disputed.source_system,

        -- descriptions
        applications.application_name,
        case
            when disputed.attribute_name = 'business_owner_email'
                then {{ owner_contact('disputed.source_value') }}
            else disputed.source_value
        end as source_value,
        disputed.reference_source,
        case
            when disputed.attribute_name = 'business_owner_email'
                then {{ owner_contact('disputed.reference_value') }}
            else disputed.reference_value
        end as reference_value,

        -- flags
        disputed.is_in_agreement,
        disputed.is_disputed,
        disputed.is_reference,

        -- counts
        cast(disputed.reporting_source_count as integer) as reporting_source_count,
        cast(disputed.source_seats as integer) as source_seats,
        cast(disputed.reference_seats as integer) as reference_seats,
        cast(disputed.source_seats - disputed.reference_seats as integer) as seat_difference

    from disputed
    inner join applications
        on disputed.application_id = applications.application_id

)

select * from final
