-- The catalogue a refresh saw: names, match keys and the sources that saw each application, none
-- of it depending on the audit date, so the snapshot records the catalogue changing only.
with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

observed as (

    select
        -- ids
        application_id,

        -- strings
        application_name,
        match_key,

        -- where the application is seen
        seen_in_okta,
        seen_in_contracts,
        seen_in_spend,
        seen_in_survey,
        seen_in_mapping,
        source_count

    from applications

)

select * from observed
