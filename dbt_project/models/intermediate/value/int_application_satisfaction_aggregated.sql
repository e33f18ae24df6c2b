with

survey_answers as (

    select * from {{ ref('int_survey_responses_matched') }}

),

user_activity as (

    select * from {{ ref('int_application_user_activity') }}

),

known_users as (

    -- the people the identity provider saw use the application up to the audit date: the
    -- population a response rate is measured against
    select
        application_id,
        count(*) as known_user_count
    from user_activity
    group by application_id

),

answered as (

    select
        application_id,
        count(*) as response_count,
        avg(satisfaction_score) as satisfaction_mean,
        count(*) filter (where is_known_user) as known_respondent_count,
        count(*) filter (where is_active_user) as active_response_count,
        avg(satisfaction_score) filter (where is_active_user) as active_satisfaction_mean,
        count(*) filter (where not is_active_user) as inactive_response_count,
        avg(satisfaction_score) filter (where not is_active_user) as inactive_satisfaction_mean
    from survey_answers
    group by application_id

),

aggregated as (

    select
        answered.satisfaction_mean,
        answered.active_satisfaction_mean,
        answered.inactive_satisfaction_mean,
        coalesce(answered.application_id, known_users.application_id) as application_id,
        coalesce(answered.response_count, 0) as response_count,
        coalesce(known_users.known_user_count, 0) as known_user_count,
        coalesce(answered.known_respondent_count, 0) as known_respondent_count,
        coalesce(answered.active_response_count, 0) as active_response_count,
        coalesce(answered.inactive_response_count, 0) as inactive_response_count
    from answered
    full outer join known_users
        on answered.application_id = known_users.application_id

)

select * from aggregated
