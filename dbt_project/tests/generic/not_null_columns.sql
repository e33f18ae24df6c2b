{#- None of the columns holds a null: the not_null test for several columns of one model in a
    single test node and a single scan (each dbt test node costs far more in dbt's own overhead
    than the query does). A failure returns one row per column that has nulls, with the column's
    name and its null count, so the failing rows say which column broke. With `loaded_at_column`,
    an event log's rows loaded before `rows_loaded_since` are left out: they were checked then. -#}
{% test not_null_columns(model, columns, loaded_at_column=none) %}

    with

    null_counts as (

        select
            {%- for column in columns %}
            count(*) filter (where {{ column }} is null) as {{ adapter.quote(column) }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
        where {{ loaded_since_condition(loaded_at_column) }}

    ),

    per_column as (

        unpivot null_counts
        on columns(*)
        into name column_name value null_count

    )

    select column_name, null_count
    from per_column
    where null_count > 0

{% endtest %}
