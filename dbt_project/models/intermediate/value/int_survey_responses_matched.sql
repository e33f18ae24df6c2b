with

survey_responses as (

    select * from {{ ref('stg_files__survey_responses') }}

),

names_resolved as (

    select * from {{ ref('int_application_names_resolved') }}

),

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

answers as (

    select
        names_resolved.application_id,
        survey_responses.satisfaction_score,
        lower(trim(survey_responses.respondent_email)) as user_key,
        -- a respondent who answered several times speaks once, with their latest answer
        row_number() over (
            partition by
                names_resolved.application_id, lower(trim(survey_responses.respondent_email))
            order by survey_responses.submitted_at desc, survey_responses.response_id desc
        ) as answer_rank
    from survey_responses
    inner join names_resolved
        on survey_responses.application_name = names_resolved.application_name
    where
        survey_responses.respondent_email is not null
        and survey_responses.satisfaction_score is not null
        and cast(survey_responses.submitted_at as date) <= {{ as_of_date() }}

),

matched as (

    select
        answers.application_id,
        answers.user_key,
        answers.satisfaction_score,
        user_activity.user_key is not null as is_known_user,
        coalesce(
            user_activity.last_active_date
            > {{ as_of_date() }} - {{ var('activity_window_days') }},
            false
        ) as is_active_user
    from answers
    left join user_activity
        on
            answers.application_id = user_activity.application_id
            and answers.user_key = user_activity.user_key
    where answers.answer_rank = 1

)

select * from matched
