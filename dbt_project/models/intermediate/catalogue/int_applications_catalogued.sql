{#- The sources whose sightings are evidence that an application is there; the objectives
    mapping is the business's own statement, not evidence, so it is flagged but not counted. -#}
{%- set evidence_sources = [
    'okta', 'graph', 'google', 'servicenow', 'snipeit', 'contracts', 'spend', 'survey',
] -%}

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

overrides as (

    select * from {{ ref('application_overrides') }}

),

sightings_resolved as (

    select
        names_resolved.application_id,
        names_resolved.application_match_key,
        sightings.source_system,
        sightings.application_name,
        sightings.sighting_count,
        sightings.is_managed
    from sightings
    inner join names_resolved
        on sightings.application_name = names_resolved.application_name

),

business_names as (

    -- the alias file and the override file name the application as the business wants it read
    select
        application_name,
        {{ match_key('application_name') }} as application_match_key
    from aliases

    union

    select
        application_name,
        {{ match_key('application_name') }} as application_match_key
    from overrides

),

candidate_names as (

    select
        application_id,
        application_match_key,
        application_name,
        false as is_business_name,
        sum(sighting_count) filter (where source_system = 'okta') as okta_count,
        sum(sighting_count) filter (where source_system = 'contracts') as contract_count,
        sum(sighting_count) as sighting_count
    from sightings_resolved
    group by application_id, application_match_key, application_name

    union all

    select distinct
        sightings_resolved.application_id,
        sightings_resolved.application_match_key,
        business_names.application_name,
        true as is_business_name,
        null as okta_count,
        null as contract_count,
        0 as sighting_count
    from business_names
    inner join sightings_resolved
        on business_names.application_match_key = sightings_resolved.application_match_key

),

names_ranked as (

    select
        application_id,
        application_name,
        row_number() over (
            partition by application_id
            order by
                bool_or(is_business_name) desc,
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

rules_used as (

    select
        application_id,
        bool_or(match_rule = 'override') as has_override,
        bool_or(match_rule = 'alias_file') as has_alias,
        count(*) as spelling_count,
        count(*) filter (where match_rule = 'match_key') as own_key_spelling_count
    from names_resolved
    group by application_id

),

match_rules as (

    -- match_rule: the most manual rule that brought a spelling in; match_rules: every rule,
    -- where spellings on their own key are 'exact' when alone and 'match_key' when several
    select
        application_id,
        case
            when has_override then 'override'
            when has_alias then 'alias_file'
            when spelling_count > 1 then 'match_key'
            else 'exact'
        end as match_rule,
        concat_ws(
            ', ',
            case when has_alias then 'alias_file' end,
            case when own_key_spelling_count = 1 then 'exact' end,
            case when own_key_spelling_count > 1 then 'match_key' end,
            case when has_override then 'override' end
        ) as match_rules
    from rules_used

),

applications as (

    select
        application_id,
        application_match_key as match_key,
        {% for source in evidence_sources -%}
            bool_or(source_system = '{{ source }}') as seen_in_{{ source }},
        {% endfor -%}
        bool_or(source_system = 'mapping') as seen_in_mapping,
        array_to_string(
            list_sort(list(distinct source_system) filter (where source_system != 'mapping')),
            ', '
        ) as source_systems,
        count(distinct source_system) filter (
            where source_system != 'mapping'
        ) as source_count,
        bool_or(is_managed) as is_sanctioned
    from sightings_resolved
    group by application_id, application_match_key

),

catalogued as (

    select
        applications.application_id,
        names_ranked.application_name,
        applications.match_key,
        {% for source in evidence_sources -%}
            applications.seen_in_{{ source }},
        {% endfor -%}
        applications.seen_in_mapping,
        applications.source_systems,
        applications.source_count,
        applications.is_sanctioned,
        match_rules.match_rule,
        match_rules.match_rules
    from applications
    inner join names_ranked
        on
            applications.application_id = names_ranked.application_id
            and names_ranked.preference_rank = 1
    inner join match_rules
        on applications.application_id = match_rules.application_id

)

select * from catalogued
