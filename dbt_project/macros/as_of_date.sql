{#- The audit date as a SQL date. The var may arrive as a string or, from YAML --vars, as a date;
    both render the same once quoted. Unset or null means the day of the run in UTC, like every
    timestamp in the warehouse, whatever the session's time zone. -#}
{% macro as_of_date() -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of is none or (as_of | string | trim) == '' -%}
        cast(timezone('UTC', current_timestamp) as date)
    {%- else -%}
        cast('{{ as_of }}' as date)
    {%- endif -%}
{%- endmacro %}
