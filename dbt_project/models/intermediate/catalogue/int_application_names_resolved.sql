with

sightings as (

    select * from {{ ref('int_application_sightings_unioned') }}

),

aliases as (

    select * from {{ ref('stg_files__application_aliases') }}

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

resolved as (

    select
        spellings.application_name,
        spellings.name_match_key,
        coalesce(
            alias_keys.application_match_key, spellings.name_match_key
        ) as application_match_key
    from spellings
    left join alias_keys
        on spellings.name_match_key = alias_keys.alias_match_key

),

identified as (

    select
        application_name,
        name_match_key,
        application_match_key,
        'app_' || left(md5(application_match_key), 12) as application_id
    from resolved
    -- a name made only of legal-form words or punctuation identifies no application
    where application_match_key != ''

)

select * from identified
