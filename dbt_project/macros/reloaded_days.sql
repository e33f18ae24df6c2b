{#- The UTC days of `relation` holding a row loaded into raw after this incremental model last took
    in `source_system`'s rows: the days a load or a backfill (re)placed since, whole days, since
    raw replaces usage events day by day. `relation` exposes `loaded_at` (raw's `_loaded_at`), and
    is a relation (`ref(...)`), not a CTE of the model: DuckDB materializes a CTE read twice, and
    the model reading the log's CTE here and again for the days copied every column of every
    event first (25 s at scale L with nothing new to read). -#}
{% macro reloaded_days(relation, time_column, source_system) -%}
    select distinct cast({{ time_column }} as date)
    from {{ relation }}
    where loaded_at > (
        select coalesce(max(loaded_at), timestamp '1970-01-01')
        from {{ this }}
        where source_system = '{{ source_system }}'
    )
{%- endmacro %}
