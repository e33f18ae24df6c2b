-- The floor: the headline marts computed by hand, in one DuckDB script, straight from the raw
-- tables as Parquet files (one file per raw table, named like the table: okta__sso_events.parquet).
-- It answers "how fast could DuckDB alone do this?", so the pipeline's overhead (orchestration,
-- dbt, checks, publication) is visible as a ratio.
--
-- The runner sets, before running this script:
--   SET file_search_path = '<folder of the raw Parquet files>';
--   SET VARIABLE as_of = DATE '<audit date>';
--
-- It does the same heavy work as the pipeline (every Okta, Entra ID and Google usage event read
-- and reduced to each person's last active day per application; names matched across sources;
-- contracts priced and converted; costs allocated to objectives) but with the business rules
-- simplified: no exempt seats, no per-application settings (a fixed 60-day window), no
-- productivity benefit (the project's default claims none), the qualifying events and service
-- account patterns of the seeds' defaults written in, and fixed currency rates instead of the
-- monthly rates seed. Until 2026-12-01 it read Okta's sign-ins only. Same grain and headline
-- columns as license_utilization, portfolio_matrix and application_roi; not the same figures to
-- the cent.

-- The project's application-name matching rule (dbt macro match_key), as a SQL macro.
create or replace temp macro match_key(name) as regexp_replace(
    array_to_string(
        list_filter(
            string_split_regex(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(lower(trim(name)), '^https?://', ''),
                        '^www\.', ''
                    ),
                    '\.(com|io|ai|net|org|co|app)$', ''
                ),
                '[^a-z0-9]+'
            ),
            lambda word: word not in (
                'inc', 'llc', 'ltd', 'limited', 'gmbh', 'corp', 'corporation', 'co', 'company',
                'technologies', 'technology', 'software', 'labs', 'plc', 'sa', 'ag'
            )
        ),
        ''
    ),
    '[^a-z0-9]', '', 'g'
);

create or replace temp table usd_per_unit as
select * from (values ('USD', 1.0), ('EUR', 1.085), ('GBP', 1.27)) as rates (currency, usd);

-- One key per application: a spelling's alias first, then the matching rule.
create or replace temp table aliases as
select match_key(alias) as alias_key, match_key(application) as application_key
from read_parquet('files__application_aliases.parquet');

create or replace temp macro app_key(name) as coalesce(
    (select application_key from aliases where alias_key = match_key(name)), match_key(name)
);

create or replace temp table okta_apps as
select distinct on (id) id, label, app_key(label) as application_key
from read_parquet('okta__apps.parquet')
order by id, _loaded_at desc;

create or replace temp table contracts as
select
    app_key(c.product) as application_key,
    c.product,
    c.seats,
    c.seats * c.unit_price * case c.billing_period when 'monthly' then 12 else 1 end
    * r.usd as annual_cost_usd
from read_parquet('files__contracts.parquet') as c
inner join usd_per_unit as r on c.currency = r.currency
where c.start_date <= getvariable('as_of') and c.end_date >= getvariable('as_of');

create or replace temp table spend as
select
    app_key(coalesce(s.product, s.vendor)) as application_key,
    coalesce(s.product, s.vendor) as name,
    s.amount * r.usd as amount_usd
from read_parquet('files__spend.parquet') as s
inner join usd_per_unit as r on s.currency = r.currency
where s.invoice_date > getvariable('as_of') - interval 365 day
    and s.invoice_date <= getvariable('as_of');

create or replace temp table applications as
select application_key, min(name) as application_name
from (
    select application_key, label as name from okta_apps
    union all select application_key, product from contracts
    union all select application_key, name from spend
)
group by application_key;

create or replace temp table costs as
select
    applications.application_key,
    coalesce(c.seats_purchased, 0) as seats_purchased,
    coalesce(c.annual_cost_usd, s.spend_usd, 0) as annual_cost_usd
from applications
left join (
    select application_key, sum(seats) as seats_purchased, sum(annual_cost_usd) as annual_cost_usd
    from contracts group by application_key
) as c on applications.application_key = c.application_key
left join (
    select application_key, sum(amount_usd) as spend_usd from spend group by application_key
) as s on applications.application_key = s.application_key;

-- The heavy part: every sign-in and Google grant and login, down to each person's last active
-- day per application. A person is a lower-case e-mail across Okta, Entra ID and Google, as the
-- pipeline keys them; service accounts (Okta's service users, the naming patterns) are left out.
create or replace temp table user_activity as
with
people as (
    select distinct on (id)
        id,
        lower(coalesce(profile_email, profile_login)) as person,
        coalesce(profile_user_type, '') = 'service' as is_service
    from read_parquet('okta__users.parquet')
    order by id, _loaded_at desc
),
okta_events as (
    select distinct on (uuid) uuid, published, actor_id, target_app_id
    from read_parquet('okta__sso_events.parquet')
    where
        outcome_result = 'SUCCESS'
        and event_type = 'user.authentication.sso'
        and published < getvariable('as_of') + interval 1 day
),
okta as (
    -- by Okta user id first (a person's events are many), then the person's e-mail
    select by_actor.application_key, people.person, by_actor.last_active
    from (
        select okta_apps.application_key, okta_events.actor_id,
            max(okta_events.published)::date as last_active
        from okta_events
        inner join okta_apps on okta_events.target_app_id = okta_apps.id
        group by all
    ) as by_actor
    inner join people on by_actor.actor_id = people.id
),
-- the other logs name the application: each spelling is keyed once, not once per event
named as (
    select app_display_name as name, lower(user_principal_name) as person,
        max(created_date_time)::date as last_active
    from read_parquet('graph__sign_ins.parquet')
    where status_error_code = 0 and created_date_time < getvariable('as_of') + interval 1 day
    group by all
    union all
    select app_name, lower(actor_email), max(id_time)::date
    from read_parquet('google__token_activities.parquet')
    where event_name = 'authorize' and id_time < getvariable('as_of') + interval 1 day
    group by all
    union all
    select 'Google Workspace', lower(actor_email), max(id_time)::date
    from read_parquet('google__login_activities.parquet')
    where event_name = 'login_success' and id_time < getvariable('as_of') + interval 1 day
    group by all
),
name_keys as (
    select name, app_key(name) as application_key from (select distinct name from named)
),
everyone as (
    select application_key, person, last_active from okta
    union all
    select name_keys.application_key, named.person, named.last_active
    from named
    inner join name_keys on named.name = name_keys.name
)
select application_key, person, max(last_active) as last_active
from everyone
where
    person not in (select person from people where is_service and person is not null)
    and person not like 'svc-%'
    and person not like 'noreply@%'
    and person not like 'no-reply@%'
group by all;

create or replace temp table active_users as
select
    application_key,
    count(*) filter (where last_active > getvariable('as_of') - 30) as active_users_30d,
    count(*) filter (where last_active > getvariable('as_of') - 60) as active_users
from user_activity
group by application_key;

create or replace temp table license_utilization as
with assigned as (
    -- the listing as landed: the pipeline replays the assignment changes since it onto it
    -- (int_okta_app_users_replayed), and the sample company makes none between the two refreshes
    select okta_apps.application_key, count(distinct app_users.user_id) as seats_assigned
    from read_parquet('okta__app_users.parquet') as app_users
    inner join okta_apps on app_users.app_id = okta_apps.id
    group by all
)
select
    applications.application_key,
    applications.application_name,
    costs.seats_purchased,
    coalesce(assigned.seats_assigned, 0) as seats_assigned,
    coalesce(active_users.active_users_30d, 0) as active_users_30d,
    coalesce(active_users.active_users, 0) as active_users,
    round(coalesce(active_users.active_users, 0) * 100.0 / nullif(costs.seats_purchased, 0), 2)
        as utilization_pct,
    greatest(costs.seats_purchased - coalesce(active_users.active_users, 0), 0)
    * costs.annual_cost_usd / nullif(costs.seats_purchased, 0) as unused_license_cost_usd
from applications
inner join costs on applications.application_key = costs.application_key
left join assigned on applications.application_key = assigned.application_key
left join active_users on applications.application_key = active_users.application_key;

create or replace temp table objectives as
select
    o.objective_id,
    o.owner_title,
    o.value_type,
    o.business_mode,
    o.annual_value * r.usd as annual_value_usd
from read_parquet('files__objectives.parquet') as o
inner join usd_per_unit as r on o.currency = r.currency;

-- Each application's cost and each objective's value shared by the contribution weights.
create or replace temp table alignments as
with mapped as (
    select app_key(application) as application_key, objective_id, contribution_weight
    from read_parquet('files__application_objectives.parquet')
)
select
    mapped.application_key,
    mapped.objective_id,
    costs.annual_cost_usd * mapped.contribution_weight
    / sum(mapped.contribution_weight) over (partition by mapped.application_key)
        as allocated_cost_usd,
    objectives.annual_value_usd * mapped.contribution_weight
    / sum(mapped.contribution_weight) over (partition by mapped.objective_id)
        as attributed_value_usd
from mapped
inner join costs on mapped.application_key = costs.application_key
inner join objectives on mapped.objective_id = objectives.objective_id;

create or replace temp table portfolio_matrix as
select
    objectives.owner_title,
    objectives.value_type,
    objectives.business_mode,
    count(distinct alignments.application_key) as application_count,
    sum(alignments.allocated_cost_usd) as allocated_annual_cost_usd
from alignments
inner join objectives on alignments.objective_id = objectives.objective_id
group by all
union all
select 'unaligned', null, null, count(*), sum(costs.annual_cost_usd)
from costs
where application_key not in (select application_key from alignments);

create or replace temp table application_roi as
select
    costs.application_key,
    applications.application_name,
    costs.annual_cost_usd,
    coalesce(benefits.benefit_usd, 0) as annual_benefit_usd,
    (coalesce(benefits.benefit_usd, 0) - costs.annual_cost_usd)
    / nullif(costs.annual_cost_usd, 0) as roi_ratio
from costs
inner join applications on costs.application_key = applications.application_key
left join (
    select application_key, sum(attributed_value_usd) as benefit_usd
    from alignments group by application_key
) as benefits on costs.application_key = benefits.application_key;
