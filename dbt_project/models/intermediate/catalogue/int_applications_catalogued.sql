with

sightings as (

    select * from {{ ref('int_application_sightings_unioned') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

aliases as (

    select * from {{ ref('stg_files__application_aliases') }}

),

sightings_resolved as (

    select
        names_resolved.application_id,
        names_resolved.application_match_key,
        sightings.source_system,
        sightings.application_name,
        sightings.sighting_count
    from sightings
    inner join names_resolved
        on sightings.application_name = names_resolved.application_name

),

alias_names as (

    -- the alias file names the application as the business wants it read
    select distinct
        application_name,
        {{ match_key('application_name') }} as application_match_key
    from aliases

),

candidate_names as (

    select
        application_id,
        application_match_key,
        application_name,
        false as is_alias_target,
        sum(sighting_count) filter (where source_system = 'okta') as okta_count,
        sum(sighting_count) filter (where source_system = 'contracts') as contract_count,
        sum(sighting_count) as sighting_count
    from sightings_resolved
    group by application_id, application_match_key, application_name

    union all

    select distinct
        sightings_resolved.application_id,
        sightings_resolved.application_match_key,
        alias_names.application_name,
        true as is_alias_target,
        null as okta_count,
        null as contract_count,
        0 as sighting_count
    from alias_names
    inner join sightings_resolved
        on alias_names.application_match_key = sightings_resolved.application_match_key

),

names_ranked as (

    select
        application_id,
        application_name,
        row_number() over (
            partition by application_id
            order by
                bool_or(is_alias_target) desc,
                -- plain: nothing but the key's own words ("Braze", not "braze.com" or "Braze Inc")
                regexp_replace(lower(application_name), '[^a-z0-9]', '', 'g')
                = application_match_key desc,
                -- capitalised, neither shouted nor all lower case ("Otter.ai", not "OTTER.AI")
                application_name
                not in (lower(application_name), upper(application_name)) desc,
                sum(okta_count) desc nulls last,
                sum(contract_count) desc nulls last,
                sum(sighting_count) desc,
                application_name asc
        ) as preference_rank
    from candidate_names
    group by application_id, application_match_key, application_name

),

applications as (

    select
        application_id,
        application_match_key as match_key,
        bool_or(source_system = 'okta') as seen_in_okta,
        bool_or(source_system = 'contracts') as seen_in_contracts,
        bool_or(source_system = 'spend') as seen_in_spend,
        bool_or(source_system = 'survey') as seen_in_survey,
        bool_or(source_system = 'mapping') as seen_in_mapping
    from sightings_resolved
    group by application_id, application_match_key

),

catalogued as (

    select
        applications.application_id,
        names_ranked.application_name,
        applications.match_key,
        applications.seen_in_okta,
        applications.seen_in_contracts,
        applications.seen_in_spend,
        applications.seen_in_survey,
        applications.seen_in_mapping,
        cast(applications.seen_in_okta as integer)
        + cast(applications.seen_in_contracts as integer)
        + cast(applications.seen_in_spend as integer)
        + cast(applications.seen_in_survey as integer) as source_count
    from applications
    inner join names_ranked
        on
            applications.application_id = names_ranked.application_id
            and names_ranked.preference_rank = 1

)

select * from catalogued
