{#- The audit date as a SQL date: the var `as_of_date` if given, else the environment variable
    AUDIT_DBT_AS_OF_DATE, which the orchestrator sets (a var that changes every day would make dbt
    parse the whole project again each day; an environment variable re-parses only the models that
    read it). The var may arrive as a string or, from YAML --vars, as a date; both render the same
    once quoted. Neither set means the day of the run in UTC, like every timestamp in the
    warehouse, whatever the session's time zone. -#}
{% macro as_of_date() -%}
    {%- set as_of = var('as_of_date', none) or env_var('AUDIT_DBT_AS_OF_DATE', '') -%}
    {%- if as_of is none or (as_of | string | trim) == '' -%}
        cast(timezone('UTC', current_timestamp) as date)
    {%- else -%}
        cast('{{ as_of }}' as date)
    {%- endif -%}
{%- endmacro %}
