{#- The instant (naive UTC) after which raw rows still need the event logs' data tests: the var
    `rows_loaded_since` if given, else the environment variable AUDIT_DBT_ROWS_LOADED_SINCE, which
    the quality gate sets to when the live publication's own gate checked the warehouse. Rows
    loaded before then passed every test of that gate, so a test of a log with a `loaded_at_column`
    need only check the later rows: its cost follows the new data, not the years of history. None
    (the default, and what `dbt test` by hand gets) checks every row.

    Read only when executing, like `as_of_date`: a value read at parse time would make dbt re-parse
    the tests on every refresh. -#}
{% macro rows_loaded_since() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set since = var('rows_loaded_since', none) or env_var('AUDIT_DBT_ROWS_LOADED_SINCE', '') -%}
    {%- if since is none or (since | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(since | string | trim) }}
{%- endmacro %}

{#- A SQL condition keeping the rows of a model that `rows_loaded_since` leaves to check: all of
    them when it is unset or the test names no `loaded_at_column`. -#}
{% macro loaded_since_condition(loaded_at_column) -%}
    {%- set since = rows_loaded_since() -%}
    {%- if loaded_at_column is none or since is none -%}
        true
    {%- else -%}
        {{ loaded_at_column }} >= cast('{{ since }}' as timestamp)
    {%- endif -%}
{%- endmacro %}
