{#- The audit date as a SQL date: the var `as_of_date` if given, else the environment variable
    AUDIT_DBT_AS_OF_DATE, which the orchestrator sets. Not a var the orchestrator passes: dbt parses
    the whole project again whenever its vars change, i.e. every day. Read only when executing: an
    environment variable read at parse time is recorded, and a new value makes dbt re-parse every
    model that calls this macro. The var may arrive as a string or, from YAML --vars, as a date;
    both render the same once quoted. Neither set means the day of the run in UTC, like every
    timestamp in the warehouse, whatever the session's time zone. -#}
{% macro as_of_date() -%}
    {%- if not execute -%}
        cast(null as date)
    {%- else -%}
        {%- set as_of = var('as_of_date', none) or env_var('AUDIT_DBT_AS_OF_DATE', '') -%}
        {%- if as_of is none or (as_of | string | trim) == '' -%}
            cast(timezone('UTC', current_timestamp) as date)
        {%- else -%}
            cast('{{ as_of }}' as date)
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
