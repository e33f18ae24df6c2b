with

applications as (

    select * from {{ ref('int_applications_catalogued') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

settings as (

    select * from {{ ref('application_usage_settings') }}

),

application_keys as (

    select distinct
        name_match_key,
        application_id
    from names_resolved

),

settings_resolved as (

    -- two spellings of one application in the seed: the shorter window, and birthright if
    -- either says so, so a duplicate can only make the audit stricter, never hide idle seats
    select
        application_keys.application_id,
        min(settings.activity_window_days) as activity_window_days,
        bool_or(coalesce(settings.is_birthright, false)) as is_birthright
    from settings
    inner join application_keys
        on {{ match_key('settings.application_name') }} = application_keys.name_match_key
    group by application_keys.application_id

),

resolved as (

    select
        applications.application_id,
        coalesce(
            settings_resolved.activity_window_days, {{ var('activity_window_days') }}
        ) as activity_window_days,
        settings_resolved.activity_window_days is not null as is_window_overridden,
        coalesce(settings_resolved.is_birthright, false) as is_birthright
    from applications
    left join settings_resolved
        on applications.application_id = settings_resolved.application_id

)

select * from resolved
