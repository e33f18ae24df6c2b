with

sightings as (

    select * from {{ ref('int_application_sightings_unioned') }}

),

aliases as (

    select * from {{ ref('stg_files__application_aliases') }}

),

overrides as (

    select * from {{ ref('application_overrides') }}

),

spellings as (

    select distinct
        application_name,
        {{ match_key('application_name') }} as name_match_key
    from sightings

),

alias_keys as (

    -- two aliases with the same key naming different applications: the first name wins
    select
        {{ match_key('alias_name') }} as alias_match_key,
        min({{ match_key('application_name') }}) as application_match_key
    from aliases
    group by alias_match_key

),

override_keys as (

    select
        spelling,
        {{ match_key('application_name') }} as application_match_key
    from overrides

),

resolved as (

    -- the manual override wins over the alias file, which wins over the spelling's own key
    select
        spellings.application_name,
        spellings.name_match_key,
        coalesce(
            override_keys.application_match_key,
            alias_keys.application_match_key,
            spellings.name_match_key
        ) as application_match_key,
        case
            when override_keys.spelling is not null then 'override'
            -- an alias the key already merges needed no alias
            when alias_keys.application_match_key != spellings.name_match_key then 'alias_file'
            else 'match_key'
        end as match_rule
    from spellings
    left join override_keys
        on spellings.application_name = override_keys.spelling
    left join alias_keys
        on spellings.name_match_key = alias_keys.alias_match_key

),

identified as (

    select
        application_name,
        name_match_key,
        application_match_key,
        match_rule,
        'app_' || left(md5(application_match_key), 12) as application_id
    from resolved
    -- a name made only of legal-form words or punctuation identifies no application
    where application_match_key != ''

)

select * from identified
