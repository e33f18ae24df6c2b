{#- When this refresh (one dbt invocation) started, as a naive UTC timestamp like every timestamp in
    the warehouse. Every row a refresh writes into the history (the snapshots' validity, the
    audit figures' refreshed_at) carries this one instant, so a refresh's rows can be found
    together, and the stamps never depend on the session's time zone or on how long it ran. -#}
{% macro refresh_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- Snapshots stamp dbt_valid_from / dbt_valid_to with this macro. dbt-duckdb's own version is the
    session's local clock at each statement; the refresh's start in UTC keeps the three snapshots
    of one refresh on one instant, equal to int_audit_figures_historized.refreshed_at. -#}
{% macro duckdb__snapshot_get_time() -%}
    {{ refresh_started_at() }}
{%- endmacro %}
