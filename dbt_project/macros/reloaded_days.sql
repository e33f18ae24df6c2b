{#- The UTC days of `relation` holding a row loaded into raw after this incremental model last took
    in `source_system`'s rows: the days a load or a backfill (re)placed since, whole days, since
    raw replaces usage events day by day. `relation` exposes `loaded_at` (raw's `_loaded_at`). -#}
{% macro reloaded_days(relation, time_column, source_system) -%}
    select distinct cast({{ time_column }} as date)
    from {{ relation }}
    where loaded_at > (
        select coalesce(max(loaded_at), timestamp '1970-01-01')
        from {{ this }}
        where source_system = '{{ source_system }}'
    )
{%- endmacro %}
