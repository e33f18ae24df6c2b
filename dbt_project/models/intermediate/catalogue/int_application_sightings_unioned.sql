with

okta_apps as (

    select * from {{ ref('stg_okta__apps') }}

),

contracts as (

    select * from {{ ref('stg_files__contracts') }}

),

spend as (

    select * from {{ ref('stg_files__spend') }}

),

survey_responses as (

    select * from {{ ref('stg_files__survey_responses') }}

),

application_objectives as (

    select * from {{ ref('stg_files__application_objectives') }}

),

sightings as (

    select
        'okta' as source_system,
        app_label as application_name
    from okta_apps

    union all

    select
        'contracts' as source_system,
        product_name as application_name
    from contracts

    union all

    select
        'spend' as source_system,
        {{ spend_application_name('product_name', 'vendor_name') }} as application_name
    from spend

    union all

    select
        'survey' as source_system,
        application_name
    from survey_responses

    union all

    select
        'mapping' as source_system,
        application_name
    from application_objectives

),

counted as (

    select
        source_system,
        application_name,
        count(*) as sighting_count
    from sightings
    where application_name is not null
    group by source_system, application_name

)

select * from counted
